namespace DemoUpstream.Tests.Jobs;

/// <summary>A "random" source that always draws the same fraction of its range, so jitter is exact in tests.</summary>
internal sealed class FixedRandom(double fraction) : Random
{
    public override double NextDouble() => fraction;

    public override long NextInt64(long minValue, long maxValue) => minValue + (long)Math.Round((maxValue - 1 - minValue) * fraction);
}
