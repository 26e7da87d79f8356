namespace Gateway.LoadGen;

/// <summary>The outcome of a run: one <see cref="TargetResult"/> per target, in the order given.</summary>
/// <param name="Targets">Per target, its requests in arrival order.</param>
/// <param name="Elapsed">From the start of the run to the last response (or the cut).</param>
/// <param name="Arrivals">Arrivals sent; each went to every target.</param>
public sealed record LoadResult(IReadOnlyList<TargetResult> Targets, TimeSpan Elapsed, int Arrivals)
{
    /// <summary>Why sending stopped.</summary>
    public LoadStopReason StopReason { get; init; }

    /// <summary>Open loop or closed loop.</summary>
    public bool ClosedLoop { get; init; }

    /// <summary>Arrivals per second the schedule asked for, between its first and last sent arrival.</summary>
    public double ScheduledRatePerSecond { get; init; }

    /// <summary>Arrivals per second the generator actually sent, between its first and last send. ≈ the scheduled rate when it kept up.</summary>
    public double AchievedRatePerSecond { get; init; }

    /// <summary>How late the generator sent arrivals after their scheduled time, in ms (early sends count as 0).</summary>
    public LatencySummary SendLag { get; init; } = LatencySummary.Empty;

    /// <summary>The plan's <see cref="LoadPlan.CaptureHeaders"/>, naming the entries of each <see cref="RequestRecord.Captured"/>.</summary>
    public IReadOnlyList<string> CaptureHeaders { get; init; } = [];

    /// <summary>The plan's settings in words, for reports, e.g. <c>poisson, 1 phase(s), seed 1</c>.</summary>
    public string? Description { get; init; }
}
