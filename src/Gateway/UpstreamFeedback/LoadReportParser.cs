using System.Globalization;

namespace Gateway.UpstreamFeedback;

/// <summary>
/// Parses the ORCA text form of <c>endpoint-load-metrics</c>:
/// <c>TEXT named_metrics.inflight=3, named_metrics.limit=12, named_metrics.backlog=40, named_metrics.backlog_age_ms=900</c>.
/// Unknown metrics are skipped.
/// </summary>
internal static class LoadReportParser
{
    /// <summary>The header an upstream's load report travels in, on responses and health-probe answers alike.</summary>
    public const string HeaderName = "endpoint-load-metrics";

    private const string InFlightKey = "named_metrics.inflight";
    private const string LimitKey = "named_metrics.limit";
    private const string BacklogKey = "named_metrics.backlog";
    private const string BacklogAgeKey = "named_metrics.backlog_age_ms";
    private const string TenantBacklogKey = "named_metrics.tenant_backlog";
    private const string TenantBacklogAgeKey = "named_metrics.tenant_backlog_age_ms";

    /// <summary>Counts and ages above this are not believable (ages: about 31 years).</summary>
    private const double MaxFigure = 1e12;

    /// <summary>The report in an upstream response's headers; false when there is none or it does not parse.</summary>
    public static bool TryParse(System.Net.Http.Headers.HttpResponseHeaders headers, out LoadReport report, out bool present)
    {
        present = headers.NonValidated.TryGetValues(HeaderName, out var values);
        report = default;

        // Several header lines mean one comma-separated list, as HTTP defines them.
        return present && TryParse(values.Count == 1 ? values.ToString() : string.Join(',', values), out report);
    }

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
        long? backlog = null, tenantBacklog = null;
        double? backlogAge = null, tenantBacklogAge = null;
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
            else if (key.SequenceEqual(BacklogKey) || key.SequenceEqual(TenantBacklogKey))
            {
                if (value < 0 || value > MaxFigure)
                {
                    return false;
                }

                if (key.SequenceEqual(BacklogKey))
                {
                    backlog = (long)Math.Round(value);
                }
                else
                {
                    tenantBacklog = (long)Math.Round(value);
                }
            }
            else if (key.SequenceEqual(BacklogAgeKey) || key.SequenceEqual(TenantBacklogAgeKey))
            {
                if (value < 0 || value > MaxFigure)
                {
                    return false;
                }

                if (key.SequenceEqual(BacklogAgeKey))
                {
                    backlogAge = value;
                }
                else
                {
                    tenantBacklogAge = value;
                }
            }
        }

        report = new LoadReport(inFlight, limit, backlog, backlogAge, tenantBacklog, tenantBacklogAge);
        return true;
    }
}
