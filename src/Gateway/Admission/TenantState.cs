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

    public TokenBucket Bucket { get; } = new(time);

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
}
