using System.Xml.Linq;

namespace Gateway.LoadGen.Tests.Reporting;

public sealed class SvgLineChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Render_TwoSeries_IsWellFormedSvgWithALinePerSeriesAxesAndLegend()
    {
        var chart = new SvgLineChart("p99 by load", "offered load (rps)", "p99 latency (ms)");
        chart.AddSeries("round robin", [(100, 12), (200, 15), (300, 40)]);
        chart.AddSeries("least outstanding", [(300, 20), (100, 11), (200, 13)]);

        var svg = XDocument.Parse(chart.Render()).Root!;

        Assert.Equal(Svg + "svg", svg.Name);
        var lines = svg.Descendants(Svg + "polyline").ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(3, lines[1].Attribute("points")!.Value.Split(' ').Length);

        // Points are drawn in order of x, whatever order they were given in.
        var xs = lines[1].Attribute("points")!.Value.Split(' ').Select(p => double.Parse(p.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(xs.Order(), xs);
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("p99 by load", texts);
        Assert.Contains("offered load (rps)", texts);
        Assert.Contains("p99 latency (ms)", texts);
        Assert.Contains("round robin", texts);
        Assert.Contains("least outstanding", texts);
        Assert.Contains("100", texts);
        Assert.Contains("300", texts);
        Assert.Equal(2, svg.Elements(Svg + "g").Count(g => (string?)g.Attribute("class") == "legend"));
    }

    [Fact]
    public void Render_NamesWithMarkup_AreEscapedAndRoundTrip()
    {
        var chart = new SvgLineChart("a < b & \"c\"", "x</text>", "y");
        chart.AddSeries("<script>alert(1)</script> & co", [(1, 1), (2, 2)]);

        var rendered = chart.Render();
        var svg = XDocument.Parse(rendered).Root!;

        Assert.DoesNotContain("<script>", rendered);
        Assert.Empty(svg.Descendants("script"));
        Assert.Empty(svg.Descendants(Svg + "script"));
        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("a < b & \"c\"", texts);
        Assert.Contains("x</text>", texts);
        Assert.Contains("<script>alert(1)</script> & co", texts);
    }

    [Fact]
    public void Render_LogY_TicksAreDecadesAndNonPositivePointsAreLeftOut()
    {
        var chart = new SvgLineChart("latency", "load", "ms", logY: true);
        chart.AddSeries("s", [(1, 0.5), (2, 3), (3, 40), (4, 2500), (5, 0), (6, -1)]);

        var svg = XDocument.Parse(chart.Render()).Root!;

        var texts = svg.Descendants(Svg + "text").Select(t => t.Value).ToHashSet();
        Assert.Superset(new HashSet<string> { "0.1", "1", "10", "100", "1000", "10000" }, texts);
        Assert.DoesNotContain("20", texts);
        Assert.Contains("ms (log scale)", texts);
        Assert.Equal(4, svg.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ').Length);
    }

    [Fact]
    public void Render_NoSeries_IsStillWellFormed()
    {
        var svg = XDocument.Parse(new SvgLineChart("empty", "x", "y", logY: true).Render()).Root!;

        Assert.Equal(Svg + "svg", svg.Name);
        Assert.Empty(svg.Descendants(Svg + "polyline"));
    }

    [Theory]
    [InlineData(0, 97, new[] { 0.0, 20, 40, 60, 80, 100 })]
    [InlineData(0, 1, new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1 })]
    [InlineData(0, 0.3, new[] { 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3 })]
    [InlineData(-3, 7, new[] { -4.0, -2, 0, 2, 4, 6, 8 })]
    public void LinearAxis_Range_GivesRoundTicksCoveringIt(double min, double max, double[] ticks)
    {
        var axis = SvgLineChart.LinearAxis([min, max], includeZero: false);

        Assert.Equal(ticks, axis.Ticks);
        Assert.Equal((ticks[0], ticks[^1]), (axis.Min, axis.Max));
    }

    [Theory]
    [InlineData(0.3, "0.3")]
    [InlineData(1500, "1500")]
    [InlineData(2_000_000, "2E+6")]
    [InlineData(0.0005, "5E-4")]
    public void Tick_Values_AreShortLabels(double value, string label) => Assert.Equal(label, SvgLineChart.Tick(value));
}
