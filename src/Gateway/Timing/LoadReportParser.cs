using System.Globalization;

namespace Gateway.Timing;

/// <summary>
/// Parses the ORCA text form of <c>endpoint-load-metrics</c>:
/// <c>TEXT named_metrics.inflight=3, named_metrics.limit=12</c>. Unknown metrics are skipped.
/// </summary>
internal static class LoadReportParser
{
    private const string InFlightKey = "named_metrics.inflight";
    private const string LimitKey = "named_metrics.limit";

    /// <summary>False when the header is not ORCA text or a known metric has a value out of range.</summary>
    public static bool TryParse(ReadOnlySpan<char> header, out LoadReport report)
    {
        report = default;
        header = header.Trim();
        if (!header.StartsWith("TEXT ", StringComparison.Ordinal))
        {
            return false;
        }

        int? inFlight = null, limit = null;
        foreach (var range in header[5..].Split(','))
        {
            var pair = header[5..][range].Trim();
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                return false;
            }

            var key = pair[..eq].Trim();
            var valueText = pair[(eq + 1)..].Trim();
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                return false;
            }

            if (key.SequenceEqual(InFlightKey))
            {
                if (value < 0 || value > int.MaxValue)
                {
                    return false;
                }

                inFlight = (int)Math.Round(value);
            }
            else if (key.SequenceEqual(LimitKey))
            {
                if (value < 1 || value > int.MaxValue)
                {
                    return false;
                }

                limit = (int)Math.Round(value);
            }
        }

        report = new LoadReport(inFlight, limit);
        return true;
    }
}
