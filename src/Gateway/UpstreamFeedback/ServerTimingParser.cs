using System.Globalization;

namespace Gateway.UpstreamFeedback;

/// <summary>Reads one metric's <c>dur</c> from a <c>Server-Timing</c> header (W3C Server Timing).</summary>
internal static class ServerTimingParser
{
    /// <summary>
    /// Finds <paramref name="metric"/> and returns its duration. False when the metric is absent, has no
    /// <c>dur</c>, or its <c>dur</c> is not a finite, non-negative number of milliseconds.
    /// </summary>
    public static bool TryGetDuration(ReadOnlySpan<char> header, ReadOnlySpan<char> metric, out TimeSpan duration)
    {
        duration = default;
        while (!header.IsEmpty)
        {
            var entry = NextEntry(ref header);
            var semicolon = entry.IndexOf(';');
            var name = (semicolon < 0 ? entry : entry[..semicolon]).Trim();
            if (!name.Equals(metric, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var parameters = semicolon < 0 ? [] : entry[(semicolon + 1)..];
            while (!parameters.IsEmpty)
            {
                var next = parameters.IndexOf(';');
                var parameter = (next < 0 ? parameters : parameters[..next]).Trim();
                parameters = next < 0 ? [] : parameters[(next + 1)..];
                var eq = parameter.IndexOf('=');
                if (eq < 0 || !parameter[..eq].Trim().Equals("dur", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var value = parameter[(eq + 1)..].Trim().Trim('"');
                if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms)
                    && double.IsFinite(ms) && ms <= TimeSpan.MaxValue.TotalMilliseconds / 2)
                {
                    duration = TimeSpan.FromMilliseconds(ms);
                    return true;
                }

                return false;
            }

            return false;
        }

        return false;
    }

    // Splits on commas that are not inside a quoted desc="…" value.
    private static ReadOnlySpan<char> NextEntry(ref ReadOnlySpan<char> header)
    {
        var quoted = false;
        for (var i = 0; i < header.Length; i++)
        {
            var c = header[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '\\' && quoted)
            {
                i++;
            }
            else if (c == ',' && !quoted)
            {
                var entry = header[..i];
                header = header[(i + 1)..];
                return entry;
            }
        }

        var last = header;
        header = [];
        return last;
    }
}
