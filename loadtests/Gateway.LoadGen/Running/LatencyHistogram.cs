namespace Gateway.LoadGen;

/// <summary>
/// A lock-free log-bucketed histogram (2% wide buckets from 10 µs to about an hour) for live percentiles:
/// recording is one Interlocked increment, where re-sorting every sample each second would not scale.
/// Final results are exact; only the progress line uses this.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double LowestMs = 0.01;
    private const double Growth = 1.02;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly long[] _counts = new long[1000];

    public void Record(double ms)
    {
        var bucket = ms <= LowestMs ? 0 : (int)(Math.Log(ms / LowestMs) / LogGrowth);
        Interlocked.Increment(ref _counts[Math.Clamp(bucket, 0, _counts.Length - 1)]);
    }

    /// <summary>The upper edge of the bucket holding the nearest-rank percentile; NaN when empty.</summary>
    public double Percentile(double p)
    {
        var snapshot = new long[_counts.Length];
        long total = 0;
        for (var i = 0; i < snapshot.Length; i++)
        {
            snapshot[i] = Volatile.Read(ref _counts[i]);
            total += snapshot[i];
        }

        if (total == 0)
        {
            return double.NaN;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(p / 100 * total));
        long seen = 0;
        for (var i = 0; i < snapshot.Length; i++)
        {
            seen += snapshot[i];
            if (seen >= rank)
            {
                return LowestMs * Math.Pow(Growth, i + 1);
            }
        }

        return LowestMs * Math.Pow(Growth, snapshot.Length);
    }
}
