using Gateway.LoadGen;

namespace Gateway.LoadTests.Failover;

/// <summary>The figures of one run, from the client's requests and the run's timeline.</summary>
internal static class FailoverMeasures
{
    /// <summary>Errors are also counted from this long after the event on, past what no proxy can avoid.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>A request that took longer than this (50 mean service times) counts as affected, like a failed one.</summary>
    public const double SlowMs = 1000;

    /// <summary>A failed request, or one slower than <see cref="SlowMs"/>.</summary>
    public static bool IsAffected(FailoverRequest request) => !request.IsOk || request.LatencyMs > SlowMs;

    /// <summary>
    /// <list type="bullet">
    /// <item>errors: non-2xx responses and transport failures; after grace: those sent at or after event + <see cref="Grace"/>.</item>
    /// <item>p99 and max: every request's latency, failed ones included (the time until they failed).</item>
    /// <item>traffic off: from the event to the send time of the last affected request sent before recovery; null when none was.</item>
    /// <item>back: from recovery to the send time of the first request sent since that <paramref name="failedService"/> answered; null when none.</item>
    /// <item>listening: from recovery to the restarted upstream listening again (its own start-up); null after SIGCONT.</item>
    /// </list>
    /// </summary>
    public static FailoverRow Compute(
        string eventName,
        string proxy,
        IReadOnlyList<FailoverRequest> requests,
        FailoverTimeline timeline,
        string failedService,
        SequentialResult sequential,
        double? inFlightAfter)
    {
        var latency = LatencySummary.Of(requests.Select(r => r.LatencyMs));
        var lastAffected = requests
            .Where(r => r.SentAt >= timeline.EventAt && r.SentAt < timeline.RecoverAt && IsAffected(r))
            .Select(r => (TimeSpan?)r.SentAt)
            .Max();
        var firstBack = requests
            .Where(r => r.SentAt >= timeline.RecoverAt && r.IsOk && r.Service == failedService)
            .Select(r => (TimeSpan?)r.SentAt)
            .Min();
        var failures = requests
            .Where(r => !r.IsOk)
            .GroupBy(r => r.Outcome)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        return new FailoverRow(
            eventName,
            proxy,
            requests.Count,
            requests.Count(r => !r.IsOk),
            requests.Count(r => !r.IsOk && r.SentAt >= timeline.EventAt + Grace),
            requests.Count == 0 ? double.NaN : latency.P99,
            requests.Count == 0 ? double.NaN : latency.Max,
            (lastAffected - timeline.EventAt)?.TotalMilliseconds,
            (firstBack - timeline.RecoverAt)?.TotalMilliseconds,
            (timeline.ListeningAt - timeline.RecoverAt)?.TotalMilliseconds,
            sequential,
            inFlightAfter,
            failures);
    }
}
