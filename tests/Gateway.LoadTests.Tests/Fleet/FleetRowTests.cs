using Gateway.LoadTests.Fleet;

namespace Gateway.LoadTests.Tests.Fleet;

public sealed class FleetRowTests
{
    [Theory]
    [InlineData(new[] { 3.0, 1, 2 }, 2)]
    [InlineData(new[] { 4.0, 1, 3, 2 }, 2.5)]
    [InlineData(new[] { 5.0, double.NaN }, 5)]
    public void Median_OddEvenAndNaN_IsTheMiddle(double[] values, double expected)
    {
        Assert.Equal(expected, FleetRow.Median(values));
    }

    [Fact]
    public void Median_Nothing_IsNaN()
    {
        Assert.True(double.IsNaN(FleetRow.Median([])));
    }

    [Fact]
    public void Aggregate_TwoRounds_SumsCountsTakesMediansAndRatiosAgainstSimulatorAndAnchor()
    {
        FleetMeasure[] measures =
        [
            FleetMeasureTests.Measure("ours-3", 1, 0.79, meanQueueMs: 40),
            FleetMeasureTests.Measure("haproxy-1", 1, 0.79, meanQueueMs: 20),
            FleetMeasureTests.Measure("ours-3", 2, 0.81, meanQueueMs: 60),
            FleetMeasureTests.Measure("haproxy-1", 2, 0.81, meanQueueMs: 30),
            FleetMeasureTests.Measure("ours-3", 1, 0.9, meanQueueMs: 100, target: 0.9),
        ];
        var simulated = new Dictionary<string, FleetSimulated>
        {
            ["ours-3"] = new(0.8, 0.8, 25, 200, 20),
            ["haproxy-1"] = new(0.8, 0.8, 20, 100, 0.5),
        };

        var rows = FleetRow.Aggregate(measures, id => id.ToUpperInvariant(), (id, u) => simulated[id] with { TargetUtilization = u }, "haproxy-1");

        Assert.Equal(["ours-3@0.8", "haproxy-1@0.8", "ours-3@0.9"], rows.Select(r => FormattableString.Invariant($"{r.Setup}@{r.TargetUtilization}")));
        var ours = rows[0];
        Assert.Equal(("OURS-3", 2, 200, 200, 0), (ours.Label, ours.Rounds, ours.Requests, ours.Ok, ours.Errors));
        Assert.Equal(0.80, ours.Utilization, 9);
        Assert.Equal(50, ours.MeanQueueMs);
        Assert.Equal(500, ours.P99QueueMs);
        Assert.Equal(2.0, ours.MeanRatio);
        Assert.Equal(2.5, ours.P99Ratio);
        Assert.Equal(new FleetRatios(2, 2, 1.25, 2), ours.VersusAnchor);
        Assert.Equal(new FleetRatios(1, 1, 1, 1), rows[1].VersusAnchor);

        // No anchor measured at 90%: no ratios against it.
        Assert.Null(rows[2].VersusAnchor);
        Assert.Equal(0.9, rows[2].Simulated.TargetUtilization);
    }
}
