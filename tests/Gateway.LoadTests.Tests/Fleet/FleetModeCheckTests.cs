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
        gateway_fleet_leases 3
        gateway_fleet_reserve 2
        gateway_fleet_redis_round_trips_total{operation="acquire"} 1500
        gateway_fleet_redis_round_trips_total{operation="release"} 1498
        gateway_fleet_redis_duration_seconds_bucket{operation="acquire",le="+Inf"} 1500
        gateway_fleet_redis_duration_seconds_sum{operation="acquire"} 3
        gateway_fleet_redis_duration_seconds_count{operation="acquire"} 1500
        gateway_fleet_redis_duration_seconds_sum{operation="release"} 1
        gateway_fleet_redis_duration_seconds_count{operation="release"} 500
        gateway_fleet_redis_duration_seconds_sum{operation="heartbeat"} 9
        gateway_fleet_redis_duration_seconds_count{operation="heartbeat"} 10
        """;

    [Fact]
    public void Sum_PicksTheMetricAndLabelOnly()
    {
        Assert.Equal(2, MetricsText.Sum(Exposition, "gateway_fleet_fallbacks_total", "reason=\"redis_unavailable\""));
        Assert.Equal(3, MetricsText.Sum(Exposition, "gateway_fleet_fallbacks_total"));
        Assert.Equal(0, MetricsText.Sum(Exposition, "gateway_fleet_degraded"));
        Assert.Equal(1500, MetricsText.Sum(Exposition, "gateway_fleet_redis_round_trips_total", "operation=\"acquire\""));
    }

    [Fact]
    public void Since_SubtractsTheCountersAndKeepsTheGauge()
    {
        var check = new FleetModeCheck(3, 2, 1, 9000, 2000, 5).Since(new FleetModeCheck(3, 2, 0, 1000, 1000, 4));

        Assert.Equal(new FleetModeCheck(3, 0, 1, 8000, 1000, 1), check);
        Assert.Equal(1.0, check.MeanCallMs, 9);
    }

    [Fact]
    public void Of_TimesAcquireAndReleaseCallsOnly()
    {
        var check = FleetModeCheck.Of([Exposition]);

        Assert.Equal(2000, check.Calls);
        Assert.Equal(4, check.CallSeconds);
        Assert.Equal(2.0, check.MeanCallMs, 9);
        Assert.Contains("an acquire or release call took 2.00 ms on average", check.Describe("x", 2000), StringComparison.Ordinal);
        Assert.Equal((3, 2), (check.Leases, check.Reserve));
        Assert.Contains("they held 3 slots, 2 of them in reserve (**the rest leaked**)", check.Describe("x", 2000), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_StayedShared_SaysTheRowMeasuresSharedMode()
    {
        var line = new FleetModeCheck(3, 0, 0, 15512).Describe("ours × 3 fleet (Redis)", 15518);

        Assert.Equal(
            "- **ours × 3 fleet (Redis), fleet mode check:** over the measured levels its 3 replicas switched to local mode 0 times for want of Redis and 0 are in local mode at the end; 15512 acquire calls to Redis for 15,518 requests; once the traffic stopped they held 0 slots, 0 of them in reserve: the row measures shared mode throughout.",
            line);
    }

    [Fact]
    public void Describe_FellBack_Warns()
    {
        Assert.Contains("part of the row measures replicas balancing alone", new FleetModeCheck(3, 1, 0, 10).Describe("x", 10), StringComparison.Ordinal);
    }
}
