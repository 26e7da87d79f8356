using Gateway.Simulator.Engine;
using Gateway.Simulator.Policies;
using ServiceTimes;

namespace Gateway.Simulator.Tests.Engine;

public sealed class SimulationTests
{
    private static readonly TimeSpan RoundTrip = TimeSpan.FromMilliseconds(0.5);

    public static TheoryData<string> Policies() => [.. BalancingPolicies.All.Select(p => p.ToString())];

    [Theory]
    [MemberData(nameof(Policies))]
    public void Run_SameSeedTwice_IdenticalResults(string policy)
    {
        var scenario = Scenario(Enum.Parse<BalancingPolicy>(policy), seed: 5);

        Assert.Equal(new Simulation(scenario).Run(), new Simulation(scenario).Run());
    }

    [Fact]
    public void Run_DifferentSeeds_DifferentResults()
    {
        var first = new Simulation(Scenario(BalancingPolicy.ConcurrencyAware, seed: 5)).Run();
        var second = new Simulation(Scenario(BalancingPolicy.ConcurrencyAware, seed: 6)).Run();

        Assert.NotEqual(first.MeanEndToEndMs, second.MeanEndToEndMs);
    }

    [Fact]
    public void Run_EveryPolicySameSeed_SeesTheSameRequests()
    {
        // Common random numbers: arrivals and service times do not depend on the policy's decisions.
        var results = BalancingPolicies.All.Select(p => new Simulation(Scenario(p, seed: 9)).Run()).ToArray();

        foreach (var result in results)
        {
            Assert.Equal(results[0].ArrivalRate, result.ArrivalRate);
            Assert.Equal(results[0].MeanServiceMs, result.MeanServiceMs, 9);
        }

        // …while their decisions differ.
        Assert.Equal(results.Length, results.Select(r => r.MeanQueueMs).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Run_AnyPolicy_EveryArrivalCompletesAtTheTargetLoad(string policy)
    {
        var scenario = Scenario(Enum.Parse<BalancingPolicy>(policy), seed: 11);

        var result = new Simulation(scenario).Run();

        Assert.Equal(scenario.Requests, result.Completed);
        Assert.Equal(scenario.Requests - scenario.WarmupRequests, result.MeasuredRequests);
        Assert.InRange(result.Utilization, 0.68, 0.72);
        Assert.InRange(result.ArrivalRate / scenario.ArrivalRate, 0.98, 1.02);

        // Per request, end to end = queueing + round trip + service, so the means add up too.
        Assert.Equal(result.MeanEndToEndMs, result.MeanQueueMs + RoundTrip.TotalMilliseconds + result.MeanServiceMs, 6);
        Assert.Equal(result.MeanQueueMs, result.MeanGatewayQueueMs + result.MeanLocalQueueMs, 9);
        Assert.InRange(result.WaitedShare, result.LocalWaitedShare, 1);
        Assert.True(result.P50QueueMs <= result.P99QueueMs && result.P50EndToEndMs <= result.P99EndToEndMs);
    }

    [Fact]
    public void Run_OneReplicaHighLoad_OnlyQueueingPoliciesQueueAtTheBalancer()
    {
        foreach (var policy in BalancingPolicies.All)
        {
            var result = new Simulation(Scenario(policy, seed: 2) with { Replicas = 1, Utilization = 0.95 }).Run();
            var queuesAtBalancer = policy is BalancingPolicy.ConcurrencyAware or BalancingPolicy.Fleet or BalancingPolicy.HAProxyLeastConn;
            Assert.True(queuesAtBalancer == result.MeanGatewayQueueMs > 0, $"{policy}: gateway queue {result.MeanGatewayQueueMs} ms");
        }
    }

    [Fact]
    public void Run_ConstantServiceLightLoadRoundRobin_NoOneWaits()
    {
        // Round robin over 4 × 4 slots from one replica at 16 requests/s: an upstream gets every 4th request, and
        // 5 of them (20 arrivals) practically never come within one 10 ms service time, so no queue forms.
        var result = new Simulation(Scenario(BalancingPolicy.RoundRobin, seed: 1) with
        {
            Replicas = 1,
            Service = ServiceTimeSpec.Parse("const:10ms"),
            Utilization = 0.01,
        }).Run();

        Assert.Equal(0, result.WaitedShare);
        Assert.InRange(result.P99EndToEndMs, 10.4, 10.6);
    }

    private static SimulationScenario Scenario(BalancingPolicy policy, int seed) => new()
    {
        Upstreams = 4,
        Slots = 4,
        Replicas = 3,
        Policy = policy,
        Service = ServiceTimeSpec.Parse("lognormal:mean=50ms,sigma=1"),
        Utilization = 0.7,
        Requests = 200_000,
        Seed = seed,
        RoundTrip = RoundTrip,
    };
}
