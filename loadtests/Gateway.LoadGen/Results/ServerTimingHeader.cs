using System.Globalization;

namespace Gateway.LoadGen;

/// <summary>
/// Reads durations out of a <c>Server-Timing</c> header (W3C Server Timing):
/// <c>app;dur=12.5, cache;desc="hit, warm", queue;dur=3</c>. Tolerant: other entries, quoted values,
/// several header lines joined with commas, and missing or garbage values never throw.
/// </summary>
public static class ServerTimingHeader
{
    /// <summary>
    /// The <c>dur</c> of the first entry named <paramref name="metric"/> (case-insensitive), in milliseconds;
    /// null when the header is absent, has no such entry, or its <c>dur</c> is missing, not a number or negative.
    /// </summary>
    public static double? Duration(string? header, string metric)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        foreach (var entry in SplitOutsideQuotes(header, ','))
        {
            var parameters = SplitOutsideQuotes(entry, ';');
            if (!parameters[0].Trim().Equals(metric, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var parameter in parameters.Skip(1))
            {
                var eq = parameter.IndexOf('=');
                if (eq > 0 && parameter[..eq].Trim().Equals("dur", StringComparison.OrdinalIgnoreCase))
                {
                    var value = parameter[(eq + 1)..].Trim().Trim('"');
                    return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && double.IsFinite(ms) && ms >= 0
                        ? ms
                        : null;
                }
            }

            // The first entry with the name decides, as the spec has user agents do for duplicates.
            return null;
        }

        return null;
    }

    /// <summary>Splits on <paramref name="separator"/> except inside double quotes (a desc may hold commas).</summary>
    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && quoted)
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == separator && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}
