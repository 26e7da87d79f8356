using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace MetricsExposition;

/// <summary>
/// Names and escaping for the Prometheus text format (version 0.0.4): metric and label names from
/// OpenTelemetry-style instrument names, escaped label values and help text, and number formatting.
/// </summary>
public static class PrometheusText
{
    /// <summary>The Content-Type of the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly string[] HistogramSuffixes = ["_count", "_sum", "_bucket"];

    /// <summary>
    /// The exposed name: dots and other invalid characters become underscores, the unit becomes a
    /// suffix (s → _seconds, By → _bytes; {annotations} are dropped) and counters end in _total.
    /// </summary>
    public static string MetricName(Instrument instrument, MetricKind kind, IDictionary<string, string> renames)
    {
        if (renames.TryGetValue(instrument.Name, out var renamed))
        {
            return renamed;
        }

        var name = SanitizeMetricName(instrument.Name);
        if (UnitSuffix(instrument.Unit) is { } unit && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        if (kind == MetricKind.Counter)
        {
            return name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total";
        }

        // A gauge named like a histogram part or a counter would mislead PromQL users (and promtool).
        if (HistogramSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)) || name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_value";
        }

        return name;
    }

    /// <summary>
    /// A label name: characters outside [a-zA-Z0-9_] become underscores (runs collapse to one, so no name
    /// starts with the reserved "__"); a leading digit gets an underscore before it.
    /// </summary>
    public static string LabelName(string key) => Sanitize(key, allowColon: false);

    /// <summary>Appends a label value escaped as the text format requires: backslash, double quote and line feed.</summary>
    public static void AppendLabelValue(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '"': builder.Append("\\\""); break;
                case '\n': builder.Append(@"\n"); break;
                default: builder.Append(c); break;
            }
        }
    }

    /// <summary>Appends help text escaped as the text format requires: backslash and line feed.</summary>
    public static void AppendHelp(StringBuilder builder, string help)
    {
        foreach (var c in help)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\n': builder.Append(@"\n"); break;
                default: builder.Append(c); break;
            }
        }
    }

    /// <summary>Appends a sample value: shortest round-trip form, with +Inf, -Inf and NaN spelled as Prometheus does.</summary>
    public static void AppendValue(StringBuilder builder, double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            builder.Append("+Inf");
        }
        else if (double.IsNegativeInfinity(value))
        {
            builder.Append("-Inf");
        }
        else if (double.IsNaN(value))
        {
            builder.Append("NaN");
        }
        else
        {
            Span<char> buffer = stackalloc char[32];
            builder.Append(value.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture)
                ? buffer[..written]
                : value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A tag value as label text: strings as they are, numbers and booleans invariantly.</summary>
    public static string FormatTagValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string? UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => null,
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "%" => "percent",
        _ => null, // {annotations} such as {request} and units without a Prometheus spelling.
    };

    private static string SanitizeMetricName(string name) => Sanitize(name, allowColon: true);

    private static string Sanitize(string name, bool allowColon)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue; // "a.-b" → "a_b", not "a__b".
            }

            builder.Append(next);
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
