using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>Policy names and construction.</summary>
internal static class BalancingPolicies
{
    public static IReadOnlyList<BalancingPolicy> All { get; } = Enum.GetValues<BalancingPolicy>();

    /// <summary>Matches a policy's name, ignoring case. Numbers are not names.</summary>
    public static bool TryParse(string name, out BalancingPolicy policy)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToString(), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                policy = candidate;
                return true;
            }
        }

        policy = default;
        return false;
    }

    public static IBalancer Create(BalancingPolicy policy, Simulation simulation) => policy switch
    {
        BalancingPolicy.RandomDirect => new RandomDirectBalancer(simulation),
        BalancingPolicy.RoundRobin => new RoundRobinBalancer(simulation),
        BalancingPolicy.PowerOfTwoChoices => new PowerOfTwoChoicesBalancer(simulation),
        BalancingPolicy.LeastRequests => new LeastRequestsBalancer(simulation),
        BalancingPolicy.LeastOutstanding => new GateBalancer(simulation, enforceLimits: false, GateBalancer.DefaultSettings),
        BalancingPolicy.ConcurrencyAware => new GateBalancer(simulation, enforceLimits: true, GateBalancer.DefaultSettings),
        BalancingPolicy.Fleet => new FleetBalancer(simulation),
        BalancingPolicy.HAProxyLeastConn => new HAProxyLeastConnBalancer(simulation),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown policy."),
    };
}
