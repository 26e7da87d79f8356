namespace ServiceTimes;

public sealed record ConstantServiceTime(TimeSpan Value) : IServiceTimeDistribution
{
    public TimeSpan Mean => Value;

    public TimeSpan Sample(Random random) => Value;
}
