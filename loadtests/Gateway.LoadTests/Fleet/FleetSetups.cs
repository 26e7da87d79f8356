using Gateway.LoadTests.UlqSweep;
using Gateway.Simulator.Policies;

namespace Gateway.LoadTests.Fleet;

/// <summary>The set-ups the fleet benchmark compares, each on its own 8 DemoUpstreams × 2 slots.</summary>
internal static class FleetSetups
{
    public const string Ours1 = "ours-1";
    public const string Ours3 = "ours-3";
    public const string HAProxy1 = "haproxy-1";
    public const string HAProxy3 = "haproxy-3";
    public const string YarpLeastRequests3 = "yarp-lr-3";
    public const string YarpPowerOfTwo3 = "yarp-p2c-3";
    public const string OursFleet3 = "ours-fleet-3";

    /// <summary>One HAProxy's backend queue is one queue for all 16 slots: what N replicas should match.</summary>
    public const string Anchor = HAProxy1;

    public static IReadOnlyList<FleetSetup> All { get; } =
    [
        new(Ours1, "ours × 1 (ConcurrencyAware)", SweepSystems.GatewayConcurrencyAware, BalancingPolicy.ConcurrencyAware, 1),
        new(Ours3, "ours × 3 (ConcurrencyAware, no fleet)", SweepSystems.GatewayConcurrencyAware3, BalancingPolicy.ConcurrencyAware, 3),
        new(HAProxy1, "HAProxy × 1 (leastconn, maxconn 2: pooled)", SweepSystems.HAProxy, BalancingPolicy.HAProxyLeastConn, 1),
        new(HAProxy3, "HAProxy × 3 (maxconn 2 each)", SweepSystems.HAProxy3, BalancingPolicy.HAProxyLeastConn, 3),
        new(YarpLeastRequests3, "stock YARP LeastRequests × 3", SweepSystems.YarpLeastRequests3, BalancingPolicy.LeastRequests, 3),
        new(YarpPowerOfTwo3, "stock YARP PowerOfTwoChoices × 3", SweepSystems.YarpPowerOfTwo3, BalancingPolicy.PowerOfTwoChoices, 3),
        new(OursFleet3, "ours × 3 fleet (Redis)", SweepSystems.GatewayConcurrencyAware3, BalancingPolicy.Fleet, 3, Fleet: true),
    ];

    public static IReadOnlyList<string> Ids { get; } = [.. All.Select(s => s.Id)];

    /// <summary>Every set-up.</summary>
    public static IReadOnlyList<string> Default { get; } = Ids;

    public static FleetSetup Get(string id) =>
        All.FirstOrDefault(s => s.Id == id) ?? throw new ArgumentException($"unknown fleet set-up '{id}'", nameof(id));
}
