namespace Gateway.LoadGen;

/// <summary>One target's requests, in arrival order, and their summaries.</summary>
public sealed record TargetResult(string Name, IReadOnlyList<RequestRecord> Requests)
{
    /// <summary>The requests, in arrival order. Not settable in a <c>with</c>, so the summaries below always describe them.</summary>
    public IReadOnlyList<RequestRecord> Requests { get; } = Requests;

    /// <summary>The run's length, over which <see cref="ThroughputPerSecond"/> is taken.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Latency of every request that got a response, whatever its status; errors are left out (see <see cref="Errors"/>).</summary>
    public LatencySummary Latency { get; } = LatencySummary.Of(Requests.Where(r => r.Error is null).Select(r => r.LatencyMs));

    /// <summary>Latency minus Server-Timing <c>app</c>, over responses that carry it; null when none do.</summary>
    public LatencySummary? Queueing { get; } = Requests.Any(r => r.Error is null && r.AppMs is not null)
        ? LatencySummary.Of(Requests.Where(r => r.Error is null).Select(r => r.QueueingMs).OfType<double>())
        : null;

    /// <summary>Requests by outcome: the status code (<c>"200"</c>, <c>"503"</c>) or <c>"error:&lt;kind&gt;"</c>.</summary>
    public IReadOnlyDictionary<string, int> StatusCounts { get; } = Requests
        .GroupBy(r => r.Error is null ? r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "error:" + r.Error)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Requests that failed without a complete response (status 0, or a broken body).</summary>
    public int Errors { get; } = Requests.Count(r => r.Error is not null);

    /// <summary>Requests with a 2xx response.</summary>
    public int Ok { get; } = Requests.Count(r => r.IsOk);

    /// <summary>
    /// 2xx responses per second of <see cref="Elapsed"/>; without it, per second from the start to the last
    /// completion.
    /// </summary>
    public double ThroughputPerSecond
    {
        get
        {
            var seconds = Elapsed > TimeSpan.Zero
                ? Elapsed.TotalSeconds
                : Requests.Count == 0 ? 0 : Requests.Max(r => r.ScheduledMs + r.LatencyMs) / 1000;
            return seconds > 0 ? Ok / seconds : 0;
        }
    }
}
