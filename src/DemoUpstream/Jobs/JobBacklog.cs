using System.Globalization;

namespace DemoUpstream.Jobs;

/// <summary>
/// A priority queue's backlog, and one tenant's share of it, as an enqueue response reports them. Counts include jobs
/// not yet visible; ages count only visible jobs (0 when there are none), so intentional qdelay is not backlog age.
/// </summary>
internal readonly record struct JobBacklog(int Backlog, TimeSpan BacklogAge, int TenantBacklog, TimeSpan TenantBacklogAge)
{
    public const string HeaderName = "endpoint-load-metrics";

    /// <summary>The ORCA text form. No <c>inflight</c>/<c>limit</c>: the gateway reads those as HTTP slots.</summary>
    public string ToLoadMetrics() => string.Create(
        CultureInfo.InvariantCulture,
        $"TEXT named_metrics.backlog={Backlog}, named_metrics.backlog_age_ms={(long)BacklogAge.TotalMilliseconds}, named_metrics.tenant_backlog={TenantBacklog}, named_metrics.tenant_backlog_age_ms={(long)TenantBacklogAge.TotalMilliseconds}");
}
