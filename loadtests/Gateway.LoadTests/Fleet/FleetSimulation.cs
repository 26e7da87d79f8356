using Gateway.Simulator.Engine;
using ServiceTimes;

namespace Gateway.LoadTests.Fleet;

/// <summary>The simulator's run of a set-up: the same policy, replicas, 8 × 2 fleet and service time as the real one.</summary>
internal static class FleetSimulation
{
    /// <summary>About four simulated hours at 80%: the heavy-tailed service time needs many requests for a steady p99.</summary>
    public const int Requests = 1_000_000;

    /// <summary>What the simulator assumes for a Redis round trip unless told otherwise: a data centre's, or a quiet loopback's.</summary>
    public const double DefaultStoreRoundTripMs = 0.3;

    /// <param name="setup">The set-up.</param>
    /// <param name="targetUtilization">The level's name.</param>
    /// <param name="utilization">The utilization the real level measured.</param>
    /// <param name="seed">The simulator's seed.</param>
    /// <param name="storeRoundTripMs">
    /// For fleet mode, the Redis round trip to simulate: the replicas' own mean call time, so the row is checked against
    /// the trip the real run paid, not an assumed one.
    /// </param>
    public static FleetSimulated Run(FleetSetup setup, double targetUtilization, double utilization, int seed, double storeRoundTripMs = DefaultStoreRoundTripMs)
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
            StoreRoundTrip = new ConstantServiceTime(TimeSpan.FromMilliseconds(storeRoundTripMs)),
        }).Run();
        return new FleetSimulated(targetUtilization, result.Utilization, result.MeanQueueMs, result.P99QueueMs, result.MeanLocalQueueMs);
    }
}
