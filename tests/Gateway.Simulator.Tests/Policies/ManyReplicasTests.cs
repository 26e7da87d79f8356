using Gateway.Simulator.Engine;
using Gateway.Simulator.Policies;
using Gateway.Simulator.Statistics;
using ServiceTimes;

namespace Gateway.Simulator.Tests.Policies;

public sealed class ManyReplicasTests
{
    // A heavy tail with a mean of about 266 ms (p50 75 ms, p99 2 s).
    private const string HeavyTail = "points:0=10ms,0.5=75ms,0.9=400ms,0.99=2000ms,1=6420ms";

    [Fact]
    public void Run_ConcurrencyAwareOneReplicaWithNetworkDelay_NeverQueuesAtAnUpstream()
    {
        // Its count of a request spans the upstream's (dispatch → response covers arrival → service end), so with
        // one replica an upstream can never hold more than its limit, even at 95% with a heavy tail.
        var result = Run(BalancingPolicy.ConcurrencyAware, upstreams: 10, replicas: 1, 0.95, HeavyTail, requests: 400_000);

        Assert.Equal(0, result.MeanLocalQueueMs);
        Assert.Equal(0, result.LocalWaitedShare);
        Assert.True(result.MeanGatewayQueueMs > 0, "At 95% some requests must have waited at the gateway.");
    }

    [Fact]
    public void Run_ConcurrencyAwareTenReplicas_FarLessUpstreamQueueingThanLeastOutstanding()
    {
        // The scale the design plans for: 10 replicas, 100 upstreams. Each replica alone sees a tenth of the work
        // at each upstream; load reports tell it about the rest.
        var concurrencyAware = Run(BalancingPolicy.ConcurrencyAware, upstreams: 100, replicas: 10, 0.9, HeavyTail, requests: 600_000);
        var leastOutstanding = Run(BalancingPolicy.LeastOutstanding, upstreams: 100, replicas: 10, 0.9, HeavyTail, requests: 600_000);

        Assert.True(
            concurrencyAware.MeanLocalQueueMs < 0.6 * leastOutstanding.MeanLocalQueueMs,
            $"local queue: ConcurrencyAware {concurrencyAware.MeanLocalQueueMs:0.00} ms, LeastOutstanding {leastOutstanding.MeanLocalQueueMs:0.00} ms");
        Assert.True(
            concurrencyAware.LocalWaitedShare < 0.75 * leastOutstanding.LocalWaitedShare,
            $"waited locally: ConcurrencyAware {concurrencyAware.LocalWaitedShare:P1}, LeastOutstanding {leastOutstanding.LocalWaitedShare:P1}");
    }

    [Theory]
    [InlineData(8, 2, 0.8)]
    [InlineData(8, 2, 0.9)]
    [InlineData(4, 4, 0.8)]
    [InlineData(4, 4, 0.9)]
    public void Run_ConcurrencyAwareThreeReplicas_QueuesNoMoreThanLeastOutstanding(int upstreams, int slots, double utilization)
    {
        // Small fleets, where acting on reports a round trip old used to idle slots (1.6-4.5x worse than
        // LeastOutstanding). Other callers' work now only breaks ties between destinations equally busy with ours.
        const string Service = "lognormal:mean=200ms,sigma=1";
        var concurrencyAware = Run(BalancingPolicy.ConcurrencyAware, upstreams, replicas: 3, utilization, Service, requests: 300_000, slots);
        var leastOutstanding = Run(BalancingPolicy.LeastOutstanding, upstreams, replicas: 3, utilization, Service, requests: 300_000, slots);

        Assert.True(
            concurrencyAware.MeanQueueMs <= leastOutstanding.MeanQueueMs,
            $"mean queueing: ConcurrencyAware {concurrencyAware.MeanQueueMs:0.0} ms, LeastOutstanding {leastOutstanding.MeanQueueMs:0.0} ms");
    }

    [Fact]
    public void Run_HAProxyLeastConnTenReplicas_OverfillsUpstreams()
    {
        // Each replica enforces maxconn on its own, so an upstream can get up to 10 × 12 at once, and does.
        var result = Run(BalancingPolicy.HAProxyLeastConn, upstreams: 10, replicas: 10, 0.9, "exp:mean=100ms", requests: 300_000);

        Assert.True(result.MeanLocalQueueMs > 0);
        Assert.True(result.LocalWaitedShare > 0.05);
    }

    private static SimulationResult Run(
        BalancingPolicy policy, int upstreams, int replicas, double utilization, string service, int requests, int slots = 12) =>
        new Simulation(new SimulationScenario
        {
            Upstreams = upstreams,
            Slots = slots,
            Replicas = replicas,
            Policy = policy,
            Service = ServiceTimeSpec.Parse(service),
            Utilization = utilization,
            Requests = requests,
            Seed = 1,
            RoundTrip = TimeSpan.FromMilliseconds(0.5),
        }).Run();
}
