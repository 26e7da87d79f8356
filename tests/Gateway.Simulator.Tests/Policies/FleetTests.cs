using Gateway.Simulator.Engine;
using Gateway.Simulator.Policies;
using Gateway.Simulator.Statistics;
using ServiceTimes;

namespace Gateway.Simulator.Tests.Policies;

/// <summary>Fleet mode: one gate shared by every replica through a store that is a round trip away.</summary>
public sealed class FleetTests
{
    private const string Service = "lognormal:mean=200ms,sigma=1";

    [Theory]
    [InlineData(0.8)]
    [InlineData(0.9)]
    public void Run_FleetThreeReplicas_QueuesLikeOnePooledBalancer(double utilization)
    {
        // 3 replicas over 8 upstreams × 2 slots: independent replicas queue 2-3x as much as one pooled HAProxy.
        var fleet = Run(BalancingPolicy.Fleet, upstreams: 8, slots: 2, replicas: 3, utilization);
        var pooled = Run(BalancingPolicy.HAProxyLeastConn, upstreams: 8, slots: 2, replicas: 1, utilization);
        var independent = Run(BalancingPolicy.HAProxyLeastConn, upstreams: 8, slots: 2, replicas: 3, utilization);

        Assert.Equal(0, fleet.MeanLocalQueueMs);
        Assert.True(fleet.MeanQueueMs <= 1.1 * pooled.MeanQueueMs, $"fleet {fleet.MeanQueueMs:0.0} ms, pooled {pooled.MeanQueueMs:0.0} ms");
        Assert.True(fleet.MeanQueueMs < independent.MeanQueueMs, $"fleet {fleet.MeanQueueMs:0.0} ms, 3 HAProxies {independent.MeanQueueMs:0.0} ms");
    }

    [Fact]
    public void Run_FleetTenReplicasAtScale_ReservesTakeTheStoreTripOffMostRequests()
    {
        // Without reserves every request crosses the store once before it is dispatched (acquire and answer, or queue
        // and grant), so its wait is the pooled queue's plus one store round trip. With the default two per replica,
        // most arrivals find a slot their replica holds.
        // Issue 14's acceptance row, at 1M requests as in the README.
        var storeTrip = TimeSpan.FromMilliseconds(0.3);
        var always = Run(BalancingPolicy.Fleet, upstreams: 100, slots: 4, replicas: 10, 0.9, storeTrip, reserve: 0, requests: 1_000_000);
        var reserved = Run(BalancingPolicy.Fleet, upstreams: 100, slots: 4, replicas: 10, 0.9, storeTrip, requests: 1_000_000);
        var pooled = Run(BalancingPolicy.HAProxyLeastConn, upstreams: 100, slots: 4, replicas: 1, 0.9, storeTrip, requests: 1_000_000);

        Assert.Equal(0, always.MeanLocalQueueMs);
        Assert.Equal(0, reserved.MeanLocalQueueMs);
        Assert.InRange(reserved.Utilization, 0.89, 0.91);
        Assert.True(always.P50QueueMs >= storeTrip.TotalMilliseconds * 0.99, $"p50 {always.P50QueueMs:0.000} ms");
        Assert.True(always.MeanQueueMs - storeTrip.TotalMilliseconds <= 1.2 * pooled.MeanQueueMs, $"{always.MeanQueueMs:0.000} ms");
        Assert.Equal(0, reserved.P50QueueMs);
        Assert.True(reserved.WaitedShare <= 0.1, $"{reserved.WaitedShare:P1} waited or crossed the store");

        // Measured 0.179 against 0.151 ms (1.19x; 1.23x before reserves shrank as the fleet fills up): the rest is the
        // store trips of requests that queue (acquire, then release and grant) and of arrivals whose reserve was empty.
        Assert.True(reserved.MeanQueueMs <= 0.5 * always.MeanQueueMs, $"reserves {reserved.MeanQueueMs:0.000} ms, none {always.MeanQueueMs:0.000} ms");
        Assert.True(reserved.MeanQueueMs <= 1.2 * pooled.MeanQueueMs, $"reserves {reserved.MeanQueueMs:0.000} ms, pooled {pooled.MeanQueueMs:0.000} ms");
    }

    [Fact]
    public void Run_FleetWithStoreTripsThatVary_NeverOverfillsAnUpstreamAndCostsOnlyTheTrips()
    {
        // Trips drawn per leg, as a loaded machine's Redis gives them (median 0.3 ms, mean 1.8 ms, p99 about 25 ms),
        // reorder the store's messages: a release must still free the slot it held, whatever was granted meanwhile.
        var trips = ServiceTimeSpec.Parse("lognormal:mean=1.8ms,sigma=1.9");
        var fleet = Run(BalancingPolicy.Fleet, upstreams: 8, slots: 2, replicas: 3, 0.8, trips);
        var pooled = Run(BalancingPolicy.HAProxyLeastConn, upstreams: 8, slots: 2, replicas: 1, 0.8);

        Assert.Equal(0, fleet.MeanLocalQueueMs);
        Assert.InRange(fleet.Utilization, 0.78, 0.82);
        Assert.True(fleet.MeanQueueMs > pooled.MeanQueueMs, $"fleet {fleet.MeanQueueMs:0.0} ms, pooled {pooled.MeanQueueMs:0.0} ms");
        Assert.True(fleet.MeanQueueMs <= 1.25 * pooled.MeanQueueMs, $"fleet {fleet.MeanQueueMs:0.0} ms, pooled {pooled.MeanQueueMs:0.0} ms");
    }

    private static SimulationResult Run(
        BalancingPolicy policy, int upstreams, int slots, int replicas, double utilization, TimeSpan? storeTrip = null, int reserve = 2, int requests = 400_000) =>
        Run(policy, upstreams, slots, replicas, utilization, new ConstantServiceTime(storeTrip ?? TimeSpan.FromMilliseconds(0.3)), reserve, requests);

    private static SimulationResult Run(
        BalancingPolicy policy, int upstreams, int slots, int replicas, double utilization, IServiceTimeDistribution storeTrip, int reserve = 2, int requests = 400_000) =>
        new Simulation(new SimulationScenario
        {
            Upstreams = upstreams,
            Slots = slots,
            Replicas = replicas,
            Policy = policy,
            Service = ServiceTimeSpec.Parse(Service),
            Utilization = utilization,
            Requests = requests,
            Seed = 1,
            StoreRoundTrip = storeTrip,
            FleetReserve = reserve,
        }).Run();
}
