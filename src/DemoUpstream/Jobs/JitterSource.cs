namespace DemoUpstream.Jobs;

/// <summary>The jobs API's one source of randomness (qdelay jitter, retry jitter): seedable, and thread-safe by a lock.</summary>
internal sealed class JitterSource(Random random)
{
    private readonly Lock _sync = new();

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble()
    {
        lock (_sync)
        {
            return random.NextDouble();
        }
    }

    /// <summary>Uniform whole number in [0, <paramref name="max"/>].</summary>
    public long NextInclusive(long max)
    {
        lock (_sync)
        {
            return random.NextInt64(0, max + 1);
        }
    }
}
