using Gateway.Simulator.Policies;

namespace Gateway.LoadTests.Fleet;

/// <summary>One balancing set-up of the fleet benchmark: how it runs for real, and how the simulator models it.</summary>
/// <param name="Id">Its name for <c>--systems</c>, e.g. <c>ours-3</c>.</param>
/// <param name="Label">Its name in the report.</param>
/// <param name="SweepId">The <see cref="UlqSweep.SweepSystems"/> set-up that starts it.</param>
/// <param name="Policy">The simulator's model of it.</param>
/// <param name="Replicas">Balancer replicas; arrivals pick one at random, as the simulator's do.</param>
/// <param name="Fleet">Its gateways share in-flight counts and one queue through Redis (<c>Gateway:Fleet:Redis</c>).</param>
internal sealed record FleetSetup(string Id, string Label, string SweepId, BalancingPolicy Policy, int Replicas, bool Fleet = false);
