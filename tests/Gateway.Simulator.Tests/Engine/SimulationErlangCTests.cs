using Gateway.Simulator.Engine;
using Gateway.Simulator.Policies;
using Gateway.Simulator.Tests.Theory;
using ServiceTimes;

namespace Gateway.Simulator.Tests.Engine;

/// <summary>
/// One upstream with 12 slots, exponential service and no network delay is an M/M/12 queue, so the simulated
/// wait must match Erlang C. 25 million requests per utilization keep the relative error of the mean wait to about
/// 0.6% (one standard deviation): over seeds 1–4 at 25 million and 1–6 at 30 million, the largest miss was 1.4% for
/// the mean wait and 0.9% for the probability of waiting, well inside the 3% and 1.5% asserted.
/// </summary>
public sealed class SimulationErlangCTests
{
    private const int Slots = 12;
    private const double MeanServiceMs = 100;

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.6)]
    [InlineData(0.7)]
    [InlineData(0.8)]
    [InlineData(0.9)]
    [InlineData(0.95)]
    public void Run_ExponentialServiceOnTwelveSlots_MatchesErlangC(double utilization)
    {
        var result = new Simulation(new SimulationScenario
        {
            Upstreams = 1,
            Slots = Slots,
            Replicas = 1,
            Policy = BalancingPolicy.RandomDirect,
            Service = ServiceTimeSpec.Parse($"exp:mean={MeanServiceMs}ms"),
            Utilization = utilization,
            Requests = 25_000_000,
            Seed = 1,
            RoundTrip = TimeSpan.Zero,
        }).Run();

        var offeredLoad = utilization * Slots;
        var meanWaitError = (result.MeanQueueMs / ErlangC.MeanWait(Slots, offeredLoad, MeanServiceMs)) - 1;
        var waitProbabilityError = (result.WaitedShare / ErlangC.WaitProbability(Slots, offeredLoad)) - 1;
        Assert.InRange(meanWaitError, -0.03, 0.03);
        Assert.InRange(waitProbabilityError, -0.015, 0.015);
        Assert.InRange(result.Utilization, utilization - 0.005, utilization + 0.005);

        // With no balancer and no network, all waiting happens at the upstream.
        Assert.Equal(result.MeanQueueMs, result.MeanLocalQueueMs, 9);
    }
}
