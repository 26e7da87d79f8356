using System.Globalization;

namespace Gateway.LoadTests;

/// <summary>Reads figures from a Prometheus text exposition (a <c>/metrics</c> answer) for the scenarios.</summary>
internal static class MetricsText
{
    /// <summary>The sum of every series of <paramref name="metric"/> (with <paramref name="label"/>, when given) in a Prometheus text exposition.</summary>
    public static double Sum(string exposition, string metric, string? label = null)
    {
        var sum = 0.0;
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' ')
                || (label is not null && !line.Contains(label, StringComparison.Ordinal)))
            {
                continue;
            }

            var series = line[metric.Length] == '{' ? line.LastIndexOf('}') + 1 : metric.Length;
            var value = line[series..].Trim().Split(' ')[0];
            sum += double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
