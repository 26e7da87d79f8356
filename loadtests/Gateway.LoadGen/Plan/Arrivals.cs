namespace Gateway.LoadGen;

/// <summary>Arrival instants for drivers that send their requests themselves (tests, scenarios with their own clients).</summary>
public static class Arrivals
{
    /// <summary>Poisson arrivals at a constant rate, as offsets from the start within <paramref name="duration"/>; seeded.</summary>
    public static IEnumerable<TimeSpan> Poisson(double ratePerSecond, TimeSpan duration, int seed) =>
        new ArrivalSchedule([new LoadPhase(ratePerSecond, ratePerSecond, duration)], ArrivalProcess.Poisson, seed)
            .OffsetsSeconds()
            .Select(TimeSpan.FromSeconds);

    /// <summary>
    /// The random stream for per-request service times of a run whose arrivals use <paramref name="arrivalSeed"/>.
    /// It must not be <c>new Random(arrivalSeed)</c>: the schedule draws its gaps from that stream with the same
    /// −ln(1 − U), so every exponential service time would be a fixed multiple of the gap before it (long jobs after
    /// long quiet spells, bursts of short ones), which hides most of the queueing.
    /// </summary>
    public static Random ServiceTimeRandom(int arrivalSeed) => new(unchecked((arrivalSeed * 7919) + 17));
}
