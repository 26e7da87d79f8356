using System.Globalization;
using System.Text;
using Prometheus;

namespace DemoUpstream.Tests.Jobs;

/// <summary>
/// Reads one test's own prometheus-net registry through its text exposition, as a scrape would: a counter's or gauge's
/// series with its value, a histogram's series with its sum.
/// </summary>
internal sealed class MeasurementCapture(CollectorRegistry registry)
{
    /// <summary>The series of <paramref name="metric"/>, running the registry's before-scrape reads first.</summary>
    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Of(string metric)
    {
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        var text = Encoding.UTF8.GetString(stream.ToArray());
        var histogram = text.Contains($"# TYPE {metric} histogram\n", StringComparison.Ordinal);
        var name = histogram ? metric + "_sum" : metric;
        var series = new List<(double, Dictionary<string, object?>)>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal))
            {
                continue;
            }

            var close = line.LastIndexOf('}');
            var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var pair in line[(name.Length + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                tags[pair[..eq]] = pair[(eq + 2)..^1];
            }

            series.Add((double.Parse(line[(close + 2)..], CultureInfo.InvariantCulture), tags));
        }

        return series;
    }
}
