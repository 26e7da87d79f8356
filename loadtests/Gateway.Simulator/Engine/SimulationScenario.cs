using Gateway.Simulator.Policies;
using ServiceTimes;

namespace Gateway.Simulator.Engine;

/// <summary>One simulated run: the fleet, the policy, the load and the seed.</summary>
internal sealed record SimulationScenario
{
    /// <summary>Upstreams (N), each with <see cref="Slots"/> worker slots and a local FIFO queue in front of them.</summary>
    public int Upstreams { get; init; } = 1;

    /// <summary>Worker slots per upstream (c); also the concurrency limit the upstream reports.</summary>
    public int Slots { get; init; } = 12;

    /// <summary>Balancer replicas (K); each arrival picks one uniformly at random.</summary>
    public int Replicas { get; init; } = 1;

    public BalancingPolicy Policy { get; init; } = BalancingPolicy.RandomDirect;

    public required IServiceTimeDistribution Service { get; init; }

    /// <summary>Offered load: the arrival rate is this × N·c / mean service time.</summary>
    public double Utilization { get; init; } = 0.5;

    /// <summary>Requests to simulate, warm-up included.</summary>
    public int Requests { get; init; } = 1_000_000;

    public int Seed { get; init; } = 1;

    /// <summary>Balancer ↔ upstream round trip; each direction takes half.</summary>
    public TimeSpan RoundTrip { get; init; } = TimeSpan.FromMilliseconds(0.5);

    /// <summary>
    /// Replica ↔ Redis round trip in fleet mode, drawn afresh for every leg, each of which takes half its draw: a
    /// constant, or a distribution for a store (or a machine) whose trips sometimes stall.
    /// </summary>
    public IServiceTimeDistribution StoreRoundTrip { get; init; } = new ConstantServiceTime(TimeSpan.FromMilliseconds(0.3));

    /// <summary>
    /// Slots each replica may keep after their requests finish, for its next arrivals to take without a store trip,
    /// in fleet mode (the gateway's <c>Gateway:Fleet:Reserve</c>, default 2); 0 keeps none.
    /// </summary>
    public int FleetReserve { get; init; } = 2;

    /// <summary>The share of requests, from the start, that run but are not measured.</summary>
    public double WarmupFraction { get; init; } = 0.05;

    /// <summary>Arrivals per second of simulated time.</summary>
    public double ArrivalRate => Utilization * Upstreams * Slots / Service.Mean.TotalSeconds;

    /// <summary>The first measured request's index.</summary>
    public int WarmupRequests => (int)Math.Ceiling(Requests * WarmupFraction);
}
