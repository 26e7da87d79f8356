using Gateway.Simulator.Engine;
using ServiceTimes;

namespace Gateway.LoadTests.Fleet;

/// <summary>The simulator's run of a set-up: the same policy, replicas, 8 × 2 fleet and service time as the real one.</summary>
internal static class FleetSimulation
{
    /// <summary>About four simulated hours at 80%: the heavy-tailed service time needs many requests for a steady p99.</summary>
    public const int Requests = 1_000_000;

    public static FleetSimulated Run(FleetSetup setup, double targetUtilization, double utilization, int seed)
    {
        var result = new Simulation(new SimulationScenario
        {
            Upstreams = FleetOptions.Upstreams,
            Slots = FleetOptions.Slots,
            Replicas = setup.Replicas,
            Policy = setup.Policy,
            Service = ServiceTimeSpec.Parse(FleetOptions.ServiceSpec),
            Utilization = utilization,
            Requests = Requests,
            Seed = seed,
        }).Run();
        return new FleetSimulated(targetUtilization, result.Utilization, result.MeanQueueMs, result.P99QueueMs, result.MeanLocalQueueMs);
    }
}
