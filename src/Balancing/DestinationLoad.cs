namespace Gateway.Balancing;

/// <summary>
/// What one balancer knows about one destination's occupancy and health. Mutated only by its
/// <see cref="GateCore{TWaiter}"/>, under its owner's lock; read without it only by metrics, which tolerate a torn view.
/// </summary>
internal sealed class DestinationLoad(string destinationId)
{
    private const int RecentReleaseCapacity = 16;

    private readonly long[] _recentReleases = new long[RecentReleaseCapacity];
    private int _recentReleaseNext;

    public string DestinationId { get; } = destinationId;

    /// <summary>Requests this gateway has in flight at the destination.</summary>
    public int InFlight { get; set; }

    /// <summary>The concurrency limit the upstream last reported (<c>named_metrics.limit</c>).</summary>
    public int? ReportedLimit { get; set; }

    /// <summary>True once a response from this destination came back without a usable load report.</summary>
    public bool ReportsMissing { get; set; }

    /// <summary>In-flight work from other callers, estimated from the last load report.</summary>
    public int OthersInFlight { get; set; }

    /// <summary>The limit in force at the last pick, for metrics. Null means unlimited.</summary>
    public int? LastLimit { get; set; }

    /// <summary>Failures in a row; any success clears it.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>
    /// Until when (a timestamp) the destination ranks below every other because its last request failed, so one that
    /// fails fast never looks idle. It lapses after the reactivation period, so a destination that came back while
    /// traffic was light is tried again.
    /// </summary>
    public long SuspectUntil { get; set; }

    /// <summary>Start of the current failure-ratio window (a timestamp), and the requests and failures counted in it.</summary>
    public long WindowStart { get; set; }

    public int WindowRequests { get; set; }

    public int WindowFailures { get; set; }

    /// <summary>Timestamp until which passive health keeps the destination out of rotation; 0 when never ejected.</summary>
    public long EjectedUntil { get; set; }

    /// <summary>
    /// After an ejection, the most requests the destination may have in flight: 1 (half-open), doubling with each
    /// success until it reaches the destination's limit. Null when fully in rotation.
    /// </summary>
    public int? RecoveryCap { get; set; }

    /// <summary>Timestamp until which an upstream's 503 with Retry-After holds new work back; 0 when never.</summary>
    public long HeldBackUntil { get; set; }

    /// <summary>Whether passive health or a hold-back keeps new work away now, or the half-open cap is reached.</summary>
    public bool IsAvailable(long now) =>
        now >= EjectedUntil && now >= HeldBackUntil && (RecoveryCap is not { } cap || InFlight < cap);

    /// <summary>Whether the destination is ejected now.</summary>
    public bool IsEjected(long now) => now < EjectedUntil;

    /// <summary>Remembers when one of this gateway's requests to the destination finished.</summary>
    public void RecordRelease(long timestamp)
    {
        _recentReleases[_recentReleaseNext] = timestamp;
        _recentReleaseNext = (_recentReleaseNext + 1) % RecentReleaseCapacity;
    }

    /// <summary>How many of this gateway's requests to the destination finished at or after <paramref name="since"/>.</summary>
    public int ReleasesSince(long since)
    {
        var count = 0;
        foreach (var released in _recentReleases)
        {
            if (released != 0 && released >= since)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The limit from the destination's own configuration (metadata), which overrides every other.</summary>
    public int? ConfiguredLimit { get; set; }

    /// <summary>What <see cref="ConfiguredLimit"/> was read from, so the owner reads it again only when that changes.</summary>
    public object? ConfiguredFrom { get; set; }

    /// <summary>
    /// The limit in force: destination configuration, cluster configuration, the upstream's reported limit (on a
    /// response or an active health probe), then the configured default. With none of those, one request probes until
    /// the first response tells us the limit, so a cold burst cannot overfill an upstream; an upstream that never
    /// reports is unlimited.
    /// </summary>
    public int? EffectiveLimit(GateSettings settings) =>
        ConfiguredLimit
        ?? settings.ClusterLimit
        ?? ReportedLimit
        ?? settings.DefaultLimit
        ?? (ReportsMissing ? null : 1);
}
