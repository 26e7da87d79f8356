using System.Collections.Concurrent;

namespace Gateway.UpstreamFeedback;

/// <summary>
/// The last backlog each destination reported on an enqueue response (<c>named_metrics.backlog</c> and
/// <c>backlog_age_ms</c>), by cluster and destination, with when it arrived. Upstreams report their backlog only
/// on enqueue responses, so a destination no enqueue has reached yet has no entry.
/// </summary>
internal sealed class DestinationBacklogs(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Cluster, string Destination), DestinationBacklog> _last = new();

    /// <summary>Keeps the report's backlog figures, if it has any.</summary>
    public void Record(string clusterId, string destinationId, in LoadReport report)
    {
        if (report.Backlog is null && report.BacklogAgeMs is null)
        {
            return;
        }

        _last[(clusterId, destinationId)] = new DestinationBacklog(report.Backlog ?? 0, report.BacklogAgeMs ?? 0, time.GetTimestamp());
    }

    /// <summary>The destination's last reported backlog, or null when it never reported one.</summary>
    public DestinationBacklog? Get(string clusterId, string destinationId) =>
        _last.TryGetValue((clusterId, destinationId), out var backlog) ? backlog : null;
}

/// <summary>One destination's reported backlog: jobs queued, the oldest visible one's age, and when it was reported.</summary>
internal readonly record struct DestinationBacklog(long Jobs, double AgeMs, long ReportedAt);
