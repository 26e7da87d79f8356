using Gateway.Simulator.Engine;
using Gateway.Simulator.Policies;
using Gateway.Simulator.Statistics;
using ServiceTimes;

namespace Gateway.Simulator.Tests.Policies;

/// <summary>
/// 10 upstreams × 12 slots at 90% with exponential service, one replica and no network delay, run once for
/// every policy the <see cref="PooledQueueTests"/> compare. Pooling all 120 slots behind one FIFO makes an
/// M/M/120 queue.
/// </summary>
public sealed class PooledQueueFixture
{
    public const int Upstreams = 10;
    public const int Slots = 12;
    public const double Utilization = 0.9;
    public const double MeanServiceMs = 100;

    private readonly Dictionary<BalancingPolicy, SimulationResult> _results = [];

    public PooledQueueFixture()
    {
        foreach (var policy in new[]
        {
            BalancingPolicy.ConcurrencyAware, BalancingPolicy.HAProxyLeastConn, BalancingPolicy.RandomDirect,
            BalancingPolicy.PowerOfTwoChoices, BalancingPolicy.LeastOutstanding,
        })
        {
            _results[policy] = new Simulation(new SimulationScenario
            {
                Upstreams = Upstreams,
                Slots = Slots,
                Replicas = 1,
                Policy = policy,
                Service = ServiceTimeSpec.Parse($"exp:mean={MeanServiceMs}ms"),
                Utilization = Utilization,
                // Waits at 90% on 120 pooled slots are rare and bunched: 10 million requests keep the relative
                // error of their mean to about 2% (checked over six seeds); the comparisons need fewer.
                Requests = policy is BalancingPolicy.ConcurrencyAware or BalancingPolicy.HAProxyLeastConn ? 10_000_000 : 3_000_000,
                Seed = 3,
                RoundTrip = TimeSpan.Zero,
            }).Run();
        }
    }

    internal SimulationResult this[BalancingPolicy policy] => _results[policy];
}
