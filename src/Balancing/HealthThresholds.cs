namespace Gateway.Balancing;

/// <summary>When passive health ejects a destination, and for how long.</summary>
internal sealed record HealthThresholds
{
    public int ConsecutiveFailures { get; init; } = 3;

    public double FailureRatio { get; init; } = 0.5;

    public int FailureRatioMinRequests { get; init; } = 20;

    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ReactivationPeriod { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxEjectedPercent { get; init; } = 50;
}
