using System.Globalization;
using System.Xml.Linq;

namespace Gateway.LoadGen;

/// <summary>
/// A standalone SVG line chart for sweeps: one line per series, x and y axes with ticks and labels, an
/// optional log-scale y axis (for latencies, which span decades near saturation) and a legend. Built as XML,
/// so any series name or label is escaped.
/// </summary>
public sealed class SvgLineChart(string title, string xLabel, string yLabel, bool logY = false)
{
    private const double Width = 760;
    private const double Height = 460;
    private const double PlotLeft = 76;
    private const double PlotTop = 44;
    private const double PlotRight = Width - 190;
    private const double PlotBottom = Height - 58;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    private static readonly string[] Dashes = ["", "6 3", "2 3"];
    private readonly List<(string Name, (double X, double Y)[] Points)> _series = [];

    /// <summary>
    /// Adds a line. Points are drawn in order of X; points with a non-finite coordinate, or with Y ≤ 0 on a log
    /// axis, cannot be drawn and are left out.
    /// </summary>
    public void AddSeries(string name, IReadOnlyList<(double X, double Y)> points)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(points);
        _series.Add((name, [.. points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!logY || p.Y > 0)).OrderBy(p => p.X)]));
    }

    /// <summary>The chart as a standalone SVG document.</summary>
    public string Render()
    {
        var all = _series.SelectMany(s => s.Points).ToArray();
        var (xMin, xMax, xTicks) = LinearAxis(all.Select(p => p.X), includeZero: false);
        var (yMin, yMax, yTicks) = logY ? LogAxis(all.Select(p => p.Y)) : LinearAxis(all.Select(p => p.Y), includeZero: true);
        double Px(double x) => PlotLeft + ((x - xMin) / (xMax - xMin) * (PlotRight - PlotLeft));
        double Py(double y) => logY
            ? PlotBottom - ((Math.Log10(y) - Math.Log10(yMin)) / (Math.Log10(yMax) - Math.Log10(yMin)) * (PlotBottom - PlotTop))
            : PlotBottom - ((y - yMin) / (yMax - yMin) * (PlotBottom - PlotTop));

        var svg = new XElement(
            Svg + "svg",
            new XAttribute("width", Width),
            new XAttribute("height", Height),
            new XAttribute("viewBox", $"0 0 {Width} {Height}"),
            new XAttribute("font-family", "sans-serif"),
            new XAttribute("font-size", 12),
            new XElement(Svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")),
            Text(Width / 2, 24, title, "middle", ("font-size", "16"), ("font-weight", "bold")));

        foreach (var x in xTicks)
        {
            svg.Add(Line(Px(x), PlotTop, Px(x), PlotBottom, "#e4e4e4"), Line(Px(x), PlotBottom, Px(x), PlotBottom + 5, "#333"));
            svg.Add(Text(Px(x), PlotBottom + 19, Tick(x), "middle"));
        }

        foreach (var y in yTicks)
        {
            svg.Add(Line(PlotLeft, Py(y), PlotRight, Py(y), "#e4e4e4"), Line(PlotLeft - 5, Py(y), PlotLeft, Py(y), "#333"));
            svg.Add(Text(PlotLeft - 8, Py(y) + 4, Tick(y), "end"));
        }

        svg.Add(
            Line(PlotLeft, PlotBottom, PlotRight, PlotBottom, "#333"),
            Line(PlotLeft, PlotTop, PlotLeft, PlotBottom, "#333"),
            Text((PlotLeft + PlotRight) / 2, Height - 16, xLabel, "middle"),
            Text(18, (PlotTop + PlotBottom) / 2, logY ? yLabel + " (log scale)" : yLabel, "middle", ("transform", $"rotate(-90 18 {F((PlotTop + PlotBottom) / 2)})")));

        for (var i = 0; i < _series.Count; i++)
        {
            var (name, points) = _series[i];
            var color = Colors[i % Colors.Length];
            var dash = Dashes[i / Colors.Length % Dashes.Length];
            var group = new XElement(Svg + "g", new XAttribute("class", "series"), new XElement(Svg + "title", name));
            group.Add(new XElement(
                Svg + "polyline",
                new XAttribute("fill", "none"),
                new XAttribute("stroke", color),
                new XAttribute("stroke-width", 2),
                dash.Length > 0 ? new XAttribute("stroke-dasharray", dash) : null,
                new XAttribute("points", string.Join(' ', points.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}")))));
            foreach (var (x, y) in points)
            {
                group.Add(new XElement(
                    Svg + "circle",
                    new XAttribute("cx", F(Px(x))),
                    new XAttribute("cy", F(Py(y))),
                    new XAttribute("r", 3),
                    new XAttribute("fill", color),
                    new XElement(Svg + "title", $"{name}: {Tick(x)}, {Tick(y)}")));
            }

            svg.Add(group);
            var legendY = PlotTop + 8 + (i * 20);
            var legend = Line(PlotRight + 16, legendY, PlotRight + 40, legendY, color);
            legend.SetAttributeValue("stroke-width", 2);
            legend.SetAttributeValue("stroke-dasharray", dash.Length > 0 ? dash : null);
            svg.Add(new XElement(Svg + "g", new XAttribute("class", "legend"), legend, Text(PlotRight + 46, legendY + 4, name, "start")));
        }

        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg.ToString(SaveOptions.None) + "\n";
    }

    /// <summary>Bounds rounded out to a 1-2-5 step giving about five ticks.</summary>
    internal static (double Min, double Max, double[] Ticks) LinearAxis(IEnumerable<double> values, bool includeZero)
    {
        var list = values.ToArray();
        double min = list.Length == 0 ? 0 : list.Min(), max = list.Length == 0 ? 1 : list.Max();
        if (includeZero)
        {
            (min, max) = (Math.Min(0, min), Math.Max(0, max));
        }

        if (max - min <= 0)
        {
            var pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }

        var rough = (max - min) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = (rough / magnitude) switch { < 1.5 => 1, < 3 => 2, < 7 => 5, _ => 10 } * magnitude;
        var lo = Clean(Math.Floor((min / step) + 1e-9) * step);
        var hi = Clean(Math.Ceiling((max / step) - 1e-9) * step);
        var count = (int)Math.Round((hi - lo) / step);
        return (lo, hi, [.. Enumerable.Range(0, count + 1).Select(i => Clean(lo + (i * step)))]);
    }

    /// <summary>Whole decades; with three or fewer, the 2s and 5s too.</summary>
    internal static (double Min, double Max, double[] Ticks) LogAxis(IEnumerable<double> values)
    {
        var list = values.ToArray();
        var lo = list.Length == 0 ? 0 : Math.Floor(Math.Log10(list.Min()) + 1e-9);
        var hi = list.Length == 0 ? 1 : Math.Ceiling(Math.Log10(list.Max()) - 1e-9);
        if (hi <= lo)
        {
            hi = lo + 1;
        }

        var multiples = hi - lo <= 3 ? new[] { 1.0, 2, 5 } : [1.0];
        var ticks = new List<double>();
        for (var decade = lo; decade <= hi; decade++)
        {
            foreach (var m in multiples)
            {
                var tick = Clean(m * Math.Pow(10, decade));
                if (tick <= Math.Pow(10, hi) * (1 + 1e-9))
                {
                    ticks.Add(tick);
                }
            }
        }

        return (Math.Pow(10, lo), Math.Pow(10, hi), [.. ticks]);
    }

    internal static string Tick(double value)
    {
        var magnitude = Math.Abs(value);
        return magnitude != 0 && (magnitude >= 1e6 || magnitude < 1e-3)
            ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : value.ToString("0.####", CultureInfo.InvariantCulture);
    }

    // Removes the binary noise of lo + i·step (0.30000000000000004) so labels and positions agree.
    private static double Clean(double value) => value == 0 ? 0 : Math.Round(value, Math.Clamp(12 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 15));

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static XElement Line(double x1, double y1, double x2, double y2, string stroke) => new(
        Svg + "line",
        new XAttribute("x1", F(x1)),
        new XAttribute("y1", F(y1)),
        new XAttribute("x2", F(x2)),
        new XAttribute("y2", F(y2)),
        new XAttribute("stroke", stroke));

    private static XElement Text(double x, double y, string text, string anchor, params (string Name, string Value)[] attributes)
    {
        var element = new XElement(Svg + "text", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("text-anchor", anchor), text);
        foreach (var (name, value) in attributes)
        {
            element.SetAttributeValue(name, value);
        }

        return element;
    }
}
