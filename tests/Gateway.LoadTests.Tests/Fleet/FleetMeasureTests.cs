using Gateway.LoadGen;
using Gateway.LoadTests.Fleet;

namespace Gateway.LoadTests.Tests.Fleet;

public sealed class FleetMeasureTests
{
    [Fact]
    public void Of_TenRequests_LeavesTheFirstTenthOutOfQueueingAndCountsErrors()
    {
        // Index 0 queued 500 ms but is the level's first tenth; 9 is an error; 8 came back a hair under its app time.
        IReadOnlyList<RequestRecord> requests =
        [
            Ok(0, 0, latencyMs: 700, appMs: 200, localMs: 490),
            .. Enumerable.Range(1, 7).Select(i => Ok(i, i * 100, latencyMs: 200 + i, appMs: 200, localMs: i / 2.0)),
            Ok(8, 800, latencyMs: 199.5, appMs: 200, localMs: 0),
            new RequestRecord(9, 900, 30, 0, "connection_refused", null, [null]),
        ];

        var measure = FleetMeasure.Of("ours-3", 0.8, 2, 10, requests, totalSlots: 16, warmUpShare: 0.1);

        Assert.Equal(("ours-3", 0.8, 2, 10.0), (measure.Setup, measure.TargetUtilization, measure.Round, measure.RatePerSecond));
        Assert.Equal((10, 9, 1), (measure.Requests, measure.Ok, measure.Errors));

        // Queueing over indexes 1-8: 1..7 ms and 0 (not -0.5).
        Assert.Equal(28.0 / 8, measure.MeanQueueMs, 9);
        Assert.Equal(7, measure.P99QueueMs);
        Assert.Equal(3, measure.P50QueueMs);
        Assert.Equal(14.0 / 8, measure.MeanLocalQueueMs, 9);
        Assert.Equal(3.5, measure.P99LocalQueueMs);
        Assert.Equal(200, measure.MeanServiceMs);

        // 9 answered × 200 ms busy over 16 slots × 900 ms of arrivals.
        Assert.Equal(1800.0 / (16 * 900), measure.Utilization, 9);
    }

    [Fact]
    public void BusyShare_ArrivalRateTimesMeanServiceOverSlots()
    {
        // 100 arrivals/s for 10 s, 160 ms each, on 16 slots: 100 × 0.16 / 16 = 100% busy.
        var requests = Enumerable.Range(0, 1001).Select(i => Ok(i, i * 10.0, latencyMs: 160, appMs: 160, localMs: 0)).ToArray();

        Assert.Equal(1.001, FleetMeasure.BusyShare(requests, 16), 9);
    }

    [Fact]
    public void BusyShare_NoRequests_IsNaN()
    {
        Assert.True(double.IsNaN(FleetMeasure.BusyShare([], 16)));
    }

    [Fact]
    public void LevelUtilization_MeanOverSetUpsThenMedianOverRounds()
    {
        FleetMeasure[] atLevel =
        [
            Measure("a", round: 1, utilization: 0.70), Measure("b", round: 1, utilization: 0.72),
            Measure("a", round: 2, utilization: 0.80), Measure("b", round: 2, utilization: 0.80),
            Measure("a", round: 3, utilization: 0.90), Measure("b", round: 3, utilization: 0.98),
        ];

        Assert.Equal(0.80, FleetMeasure.LevelUtilization(atLevel), 9);
    }

    internal static FleetMeasure Measure(string setup, int round, double utilization, double meanQueueMs = 10, double target = 0.8) =>
        new(setup, target, round, 64, 100, 100, 0, utilization, 200, meanQueueMs, 5, meanQueueMs * 10, 1, 20);

    private static RequestRecord Ok(long index, double scheduledMs, double latencyMs, double appMs, double localMs) =>
        new(index, scheduledMs, latencyMs, 200, null, FormattableString.Invariant($"app;dur={appMs}"), [FormattableString.Invariant($"{localMs}")]);
}
