using Gateway.LoadTests.Failover;

namespace Gateway.LoadTests.Tests.Failover;

public sealed class GatewayInFlightTests
{
    [Fact]
    public void Sum_SamplesOfEveryDestination_AddsThemAndIgnoresOtherMetrics()
    {
        const string Exposition = """
            # HELP gateway_destination_inflight Requests in flight from this gateway per destination.
            # TYPE gateway_destination_inflight gauge
            gateway_destination_inflight{cluster="demo",destination="u1"} 2
            gateway_destination_inflight{cluster="demo",destination="u2"} 0
            gateway_destination_inflight{cluster="demo",destination="u3"} 1
            gateway_destination_inflight_other{cluster="demo"} 40
            gateway_destination_concurrency_limit{cluster="demo",destination="u1"} 12
            """;

        Assert.Equal(3, GatewayInFlight.Sum(Exposition));
    }

    [Fact]
    public void Sum_NoSuchMetric_IsNull()
    {
        Assert.Null(GatewayInFlight.Sum("gateway_queue_length{cluster=\"demo\"} 0\n"));
    }
}
