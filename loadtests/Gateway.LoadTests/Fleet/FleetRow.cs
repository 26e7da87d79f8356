namespace Gateway.LoadTests.Fleet;

/// <summary>
/// One set-up at one level over every round: request counts summed, the other figures the median of the rounds', and
/// the simulator's figures for the same set-up beside them. Times in ms.
/// </summary>
internal sealed record FleetRow(
    string Setup,
    string Label,
    double TargetUtilization,
    int Rounds,
    int Requests,
    int Ok,
    int Errors,
    double Utilization,
    double MeanQueueMs,
    double P99QueueMs,
    double MeanLocalQueueMs,
    double P99LocalQueueMs,
    FleetSimulated Simulated)
{
    /// <summary>This row against the pooled HAProxy × 1 at the same level; null without that row.</summary>
    public FleetRatios? VersusAnchor { get; init; }

    /// <summary>Real mean queueing ÷ simulated.</summary>
    public double MeanRatio => MeanQueueMs / Simulated.MeanQueueMs;

    /// <summary>Real p99 queueing ÷ simulated.</summary>
    public double P99Ratio => P99QueueMs / Simulated.P99QueueMs;

    /// <summary>This row against <paramref name="anchor"/> (the pooled HAProxy at the same level), real and simulated.</summary>
    public FleetRatios Versus(FleetRow anchor) => new(
        MeanQueueMs / anchor.MeanQueueMs,
        P99QueueMs / anchor.P99QueueMs,
        Simulated.MeanQueueMs / anchor.Simulated.MeanQueueMs,
        Simulated.P99QueueMs / anchor.Simulated.P99QueueMs);

    /// <summary>
    /// One row per set-up and level, levels in order and set-ups in the order first measured, each with its ratios
    /// against <paramref name="anchor"/>'s row at the same level. <paramref name="simulated"/> gives the simulator's
    /// figures for a set-up at a target level.
    /// </summary>
    public static IReadOnlyList<FleetRow> Aggregate(
        IReadOnlyList<FleetMeasure> measures, Func<string, string> labelOf, Func<string, double, FleetSimulated> simulated, string anchor)
    {
        var order = measures.Select(m => m.Setup).Distinct().ToList();
        IReadOnlyList<FleetRow> rows = [.. measures
            .GroupBy(m => (m.TargetUtilization, m.Setup))
            .OrderBy(g => g.Key.TargetUtilization).ThenBy(g => order.IndexOf(g.Key.Setup))
            .Select(g => new FleetRow(
                g.Key.Setup,
                labelOf(g.Key.Setup),
                g.Key.TargetUtilization,
                g.Count(),
                g.Sum(m => m.Requests),
                g.Sum(m => m.Ok),
                g.Sum(m => m.Errors),
                Median(g.Select(m => m.Utilization)),
                Median(g.Select(m => m.MeanQueueMs)),
                Median(g.Select(m => m.P99QueueMs)),
                Median(g.Select(m => m.MeanLocalQueueMs)),
                Median(g.Select(m => m.P99LocalQueueMs)),
                simulated(g.Key.Setup, g.Key.TargetUtilization)))];
        return [.. rows.Select(row => rows.FirstOrDefault(a => a.Setup == anchor && a.TargetUtilization == row.TargetUtilization) is { } a
            ? row with { VersusAnchor = row.Versus(a) }
            : row)];
    }

    /// <summary>The middle value, or the mean of the two middle values; NaN for none. NaNs (a round without answers) are left out.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length switch
        {
            0 => double.NaN,
            var n when n % 2 == 1 => sorted[n / 2],
            var n => (sorted[(n / 2) - 1] + sorted[n / 2]) / 2,
        };
    }
}
