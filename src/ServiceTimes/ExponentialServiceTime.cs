namespace ServiceTimes;

public sealed record ExponentialServiceTime(TimeSpan Mean) : IServiceTimeDistribution
{
    // 1 - NextDouble() is in (0, 1], so the log is finite.
    public TimeSpan Sample(Random random) => Mean * -Math.Log(1.0 - random.NextDouble());
}
