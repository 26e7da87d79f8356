using Gateway.LoadTests.Fleet;

namespace Gateway.LoadTests.Tests.Fleet;

public sealed class FleetModeCheckTests
{
    private const string Exposition = """
        # HELP gateway_fleet_fallbacks_total Switches from shared to local mode, by reason.
        # TYPE gateway_fleet_fallbacks_total counter
        gateway_fleet_fallbacks_total{reason="starting"} 1
        gateway_fleet_fallbacks_total{reason="redis_unavailable"} 2
        gateway_fleet_degraded 0
        gateway_fleet_degraded_other 7
        gateway_fleet_redis_round_trips_total{operation="acquire"} 1500
        gateway_fleet_redis_round_trips_total{operation="release"} 1498
        """;

    [Fact]
    public void Sum_PicksTheMetricAndLabelOnly()
    {
        Assert.Equal(2, FleetModeCheck.Sum(Exposition, "gateway_fleet_fallbacks_total", "reason=\"redis_unavailable\""));
        Assert.Equal(3, FleetModeCheck.Sum(Exposition, "gateway_fleet_fallbacks_total"));
        Assert.Equal(0, FleetModeCheck.Sum(Exposition, "gateway_fleet_degraded"));
        Assert.Equal(1500, FleetModeCheck.Sum(Exposition, "gateway_fleet_redis_round_trips_total", "operation=\"acquire\""));
    }

    [Fact]
    public void Since_SubtractsTheCountersAndKeepsTheGauge()
    {
        var check = new FleetModeCheck(3, 2, 1, 9000).Since(new FleetModeCheck(3, 2, 0, 1000));

        Assert.Equal(new FleetModeCheck(3, 0, 1, 8000), check);
    }

    [Fact]
    public void Describe_StayedShared_SaysTheRowMeasuresSharedMode()
    {
        var line = new FleetModeCheck(3, 0, 0, 15512).Describe("ours × 3 fleet (Redis)", 15518);

        Assert.Equal(
            "- **ours × 3 fleet (Redis), fleet mode check:** over the measured levels its 3 replicas switched to local mode 0 times for want of Redis and 0 are in local mode at the end; 15512 acquire calls to Redis for 15,518 requests: the row measures shared mode throughout.",
            line);
    }

    [Fact]
    public void Describe_FellBack_Warns()
    {
        Assert.Contains("part of the row measures replicas balancing alone", new FleetModeCheck(3, 1, 0, 10).Describe("x", 10), StringComparison.Ordinal);
    }
}
