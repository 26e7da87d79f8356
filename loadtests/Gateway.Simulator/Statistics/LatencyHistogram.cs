namespace Gateway.Simulator.Statistics;

/// <summary>
/// A log-linear histogram of non-negative millisecond values for quantiles in constant memory: 256 buckets per
/// power of two (each at most 0.4% wide), from 0.1 µs to 10⁸ ms, plus an exact bucket for zero, which most
/// queueing delays are. Quantiles interpolate within a bucket.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 8;
    private const int MantissaShift = 23 - SubBucketBits;
    private const float MinValue = 1e-4f;
    private const float MaxValue = 1e8f;

    private static readonly int FirstBucket = BitConverter.SingleToInt32Bits(MinValue) >> MantissaShift;
    private static readonly int LastBucket = BitConverter.SingleToInt32Bits(MaxValue) >> MantissaShift;

    private readonly long[] _counts = new long[LastBucket - FirstBucket + 1];
    private long _zeros;
    private long _count;

    public long Count => _count;

    public void Add(double ms)
    {
        _count++;
        if (ms <= 0)
        {
            _zeros++;
            return;
        }

        var value = (float)Math.Clamp(ms, MinValue, MaxValue);
        _counts[(BitConverter.SingleToInt32Bits(value) >> MantissaShift) - FirstBucket]++;
    }

    /// <summary>The value below which a share <paramref name="q"/> of the values lie; 0 when empty.</summary>
    public double Quantile(double q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        if (_count == 0)
        {
            return 0;
        }

        var rank = q * _count;
        if (rank <= _zeros)
        {
            return 0;
        }

        double below = _zeros;
        for (var i = 0; i < _counts.Length; i++)
        {
            var count = _counts[i];
            if (count == 0)
            {
                continue;
            }

            if (below + count >= rank)
            {
                var lower = BitConverter.Int32BitsToSingle((i + FirstBucket) << MantissaShift);
                var upper = BitConverter.Int32BitsToSingle((i + FirstBucket + 1) << MantissaShift);
                return lower + ((upper - lower) * (rank - below) / count);
            }

            below += count;
        }

        return MaxValue;
    }
}
