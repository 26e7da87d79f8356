namespace Gateway.LoadGen;

/// <summary>Arrival instants for drivers that send their requests themselves (tests, scenarios with their own clients).</summary>
public static class Arrivals
{
    /// <summary>Poisson arrivals at a constant rate, as offsets from the start within <paramref name="duration"/>; seeded.</summary>
    public static IEnumerable<TimeSpan> Poisson(double ratePerSecond, TimeSpan duration, int seed) =>
        new ArrivalSchedule([new LoadPhase(ratePerSecond, ratePerSecond, duration)], ArrivalProcess.Poisson, seed)
            .OffsetsSeconds()
            .Select(TimeSpan.FromSeconds);
}
