using System.Numerics;

namespace Gateway.Simulator.Engine;

/// <summary>
/// A seedable xoshiro256** generator. <c>new Random(seed)</c> keeps the slower legacy algorithm for compatibility;
/// the simulator draws several numbers per request, so it uses this instead. Sealed, so calls through the
/// concrete type are not virtual.
/// </summary>
internal sealed class FastRandom : Random
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public FastRandom(ulong seed)
    {
        // SplitMix64 spreads any seed, 0 included, over the whole state.
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    /// <summary>
    /// An independent stream for one purpose (arrivals, service times …), so draws for one never shift another's.
    /// </summary>
    public static FastRandom ForStream(int seed, int stream) =>
        new(((ulong)(uint)seed << 32) ^ (0x9E3779B97F4A7C15UL * (ulong)(stream + 1)));

    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    public override int Next() => (int)(NextUInt64() >> 33);

    /// <summary>Uniform in [0, maxValue), without modulo bias (Lemire's method).</summary>
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue <= 1 ? 0 : (int)NextBounded((uint)maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        var range = (ulong)((long)maxValue - minValue);
        return range <= 1 ? minValue : (int)(minValue + (long)NextLong(range));
    }

    public override long NextInt64() => (long)(NextUInt64() >> 1);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue <= 1 ? 0 : (long)NextLong((ulong)maxValue);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        var range = (ulong)(maxValue - minValue);
        return range <= 1 ? minValue : minValue + (long)NextLong(range);
    }

    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    public override void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)(NextUInt64() >> 56);
        }
    }

    protected override double Sample() => NextDouble();

    private uint NextBounded(uint range)
    {
        var product = (ulong)(uint)(NextUInt64() >> 32) * range;
        if ((uint)product < range)
        {
            var threshold = (uint)-range % range;
            while ((uint)product < threshold)
            {
                product = (ulong)(uint)(NextUInt64() >> 32) * range;
            }
        }

        return (uint)(product >> 32);
    }

    private ulong NextLong(ulong range)
    {
        // Rejection sampling on the smallest covering power of two: unbiased, and rare to loop.
        var mask = ulong.MaxValue >> BitOperations.LeadingZeroCount(range - 1);
        ulong value;
        do
        {
            value = NextUInt64() & mask;
        }
        while (value >= range);
        return value;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
