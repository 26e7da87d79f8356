namespace Gateway.Admission;

/// <summary>One tenant's admission state: its token bucket and its enqueue requests in flight.</summary>
internal sealed class TenantState(TimeProvider time)
{
    private int _inFlight;

    public TokenBucket Bucket { get; } = new(time);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts the request in unless the tenant already has <paramref name="max"/> in flight.</summary>
    public bool TryEnter(int max)
    {
        if (Interlocked.Increment(ref _inFlight) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
