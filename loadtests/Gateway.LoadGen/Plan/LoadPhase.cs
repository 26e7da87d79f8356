namespace Gateway.LoadGen;

/// <summary>
/// One phase of a schedule: the arrival rate goes linearly from <paramref name="StartRatePerSecond"/> to
/// <paramref name="EndRatePerSecond"/> over <paramref name="Duration"/> (a step when the two are equal).
/// Rates are arrivals per second; each arrival goes to every target.
/// </summary>
public sealed record LoadPhase(double StartRatePerSecond, double EndRatePerSecond, TimeSpan Duration)
{
    /// <summary>A phase at one constant rate.</summary>
    public static LoadPhase Steady(double ratePerSecond, TimeSpan duration) => new(ratePerSecond, ratePerSecond, duration);

    /// <summary>The expected number of arrivals in the phase: the area under its rate.</summary>
    public double ExpectedArrivals => (StartRatePerSecond + EndRatePerSecond) / 2 * Duration.TotalSeconds;
}
