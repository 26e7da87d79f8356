using System.Collections.Concurrent;

namespace Gateway.Admission;

/// <summary>
/// One tenant's admission state: its token bucket, its enqueue requests in flight, the backlog age the upstream last
/// reported for it in each priority class, the effective rate of its last request and when it last sent one.
/// </summary>
internal sealed class TenantState(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, BacklogReport> _backlogs = new(StringComparer.Ordinal);
    private int _inFlight;
    private long _lastUsed = time.GetTimestamp();
    private double _effectiveRate = double.NaN;
    private Redis.TenantReservoir? _reservoir;
    private LastDecision? _lastDecision;

    /// <summary>The tenant's bucket in this replica's memory (local mode).</summary>
    public TokenBucket Bucket { get; } = new(time);

    /// <summary>Tokens this replica reserved from the tenant's shared bucket, and its fail-open bucket (Redis mode).</summary>
    public Redis.TenantReservoir Reservoir => LazyInitializer.EnsureInitialized(ref _reservoir, () => new Redis.TenantReservoir(time));

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>When the tenant last sent an enqueue request (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>The rate its last request was admitted against, backpressure included; NaN before the first.</summary>
    public double EffectiveRate
    {
        get => Volatile.Read(ref _effectiveRate);
        set => Volatile.Write(ref _effectiveRate, value);
    }

    /// <summary>Counts the request in unless the tenant already has <paramref name="max"/> in flight.</summary>
    public bool TryEnter(int max)
    {
        Volatile.Write(ref _lastUsed, time.GetTimestamp());
        if (Interlocked.Increment(ref _inFlight) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Remembers the tokens left after the tenant's last decision, wherever its bucket lives, for the gauge.</summary>
    public void RecordDecision(double remaining) => _lastDecision = new LastDecision(remaining, time.GetTimestamp());

    /// <summary>
    /// The tokens the tenant's bucket holds now, from the last decision refilled at the effective rate since; the burst
    /// before any decision. With shared buckets it is this replica's view: other replicas take tokens too.
    /// </summary>
    public double Tokens(int burst)
    {
        var rate = EffectiveRate;
        return _lastDecision is not { } last || double.IsNaN(rate)
            ? burst
            : Math.Min(burst, last.Remaining + (time.GetElapsedTime(last.At).TotalSeconds * rate));
    }

    /// <summary>True when the bucket is back to <paramref name="burst"/> tokens, as a fresh state's would be.</summary>
    public bool IsFull(int burst) => Tokens(burst) >= burst;

    /// <summary>Keeps the age of the tenant's oldest job in a class's queue, as the upstream just reported it.</summary>
    public void RecordBacklog(string className, double ageMs) => _backlogs[className] = new BacklogReport(ageMs, time.GetTimestamp());

    /// <summary>The tenant's backlog age in the class, if reported within <paramref name="ttl"/>.</summary>
    public double? BacklogAgeMs(string className, TimeSpan ttl) =>
        _backlogs.TryGetValue(className, out var report) ? report.FreshAge(time, time.GetTimestamp(), ttl) : null;

    /// <summary>The tenant's oldest fresh backlog age over every class, for metrics.</summary>
    public double? OldestBacklogAgeMs(TimeSpan ttl)
    {
        var now = time.GetTimestamp();
        double? oldest = null;
        foreach (var report in _backlogs.Values)
        {
            if (report.FreshAge(time, now, ttl) is { } age && !(age <= oldest))
            {
                oldest = age;
            }
        }

        return oldest;
    }

    private sealed record LastDecision(double Remaining, long At);
}
