using Gateway.Simulator.Policies;
using Gateway.Simulator.Tests.Theory;

namespace Gateway.Simulator.Tests.Policies;

public sealed class PooledQueueTests(PooledQueueFixture fixture) : IClassFixture<PooledQueueFixture>
{
    private const int Servers = PooledQueueFixture.Upstreams * PooledQueueFixture.Slots;
    private const double OfferedLoad = PooledQueueFixture.Utilization * Servers;

    [Theory]
    [InlineData(nameof(BalancingPolicy.ConcurrencyAware))]
    [InlineData(nameof(BalancingPolicy.HAProxyLeastConn))]
    public void Run_GatewayQueueOneReplica_MatchesPooledErlangC(string policy)
    {
        var result = fixture[Enum.Parse<BalancingPolicy>(policy)];

        // M/M/120 at 90%: P(wait) ≈ 18.1%, Wq ≈ 1.51 ms. Both policies queue at the balancer, never upstream.
        var expectedWait = ErlangC.MeanWait(Servers, OfferedLoad, PooledQueueFixture.MeanServiceMs);
        Assert.InRange(result.MeanQueueMs / expectedWait, 0.9, 1.1);
        Assert.InRange(result.WaitedShare / ErlangC.WaitProbability(Servers, OfferedLoad), 0.95, 1.05);
        Assert.Equal(0, result.MeanLocalQueueMs);
    }

    [Fact]
    public void Run_ConcurrencyAwareOneReplica_FarBelowRandomAndPowerOfTwo()
    {
        var concurrencyAware = fixture[BalancingPolicy.ConcurrencyAware].MeanQueueMs;

        // Random placement on 12-slot upstreams waits like 10 separate M/M/12 queues (≈ 53 ms); two choices
        // help a lot (≈ 4 ms) but still leave requests waiting at busy upstreams while others have free slots.
        Assert.True(concurrencyAware * 10 < fixture[BalancingPolicy.RandomDirect].MeanQueueMs);
        Assert.True(concurrencyAware * 2 < fixture[BalancingPolicy.PowerOfTwoChoices].MeanQueueMs);
    }

    [Fact]
    public void Run_OneReplica_PoliciesRankAsTheoryPredicts()
    {
        // Random ≫ two choices > least outstanding, which never holds a request back but can still place one
        // on a full upstream when every upstream is full.
        var random = fixture[BalancingPolicy.RandomDirect].MeanQueueMs;
        var twoChoices = fixture[BalancingPolicy.PowerOfTwoChoices].MeanQueueMs;
        var leastOutstanding = fixture[BalancingPolicy.LeastOutstanding];
        Assert.True(random > twoChoices && twoChoices > leastOutstanding.MeanQueueMs);
        Assert.True(leastOutstanding.MeanLocalQueueMs > 0);
        Assert.Equal(0, leastOutstanding.MeanGatewayQueueMs);
    }
}
