namespace ServiceTimes;

/// <summary>Log-normal, parameterised by its mean (not its median) so specs compare directly with exp:mean=.</summary>
public sealed record LogNormalServiceTime(TimeSpan Mean, double Sigma) : IServiceTimeDistribution
{
    private readonly double _mu = Math.Log(Mean.TotalMilliseconds) - (Sigma * Sigma / 2);

    public TimeSpan Sample(Random random)
    {
        // Box-Muller; 1 - NextDouble() keeps the log finite.
        var normal = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Exp(_mu + (Sigma * normal)));
    }
}
