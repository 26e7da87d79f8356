using Gateway.Simulator.Policies;

namespace Gateway.Simulator.Statistics;

/// <summary>
/// One simulated run's figures, over the requests after warm-up. Queueing delay is the time from arrival at the
/// balancer to the start of service minus the one-way network delay: the gateway-queue wait plus the
/// upstream-local-queue wait.
/// </summary>
internal sealed record SimulationResult
{
    public required BalancingPolicy Policy { get; init; }

    public required int Replicas { get; init; }

    public required int Upstreams { get; init; }

    public required int Slots { get; init; }

    public required double TargetUtilization { get; init; }

    /// <summary>Busy slot-time / (N·c · measured time), over the measured requests' arrival window.</summary>
    public required double Utilization { get; init; }

    /// <summary>Arrivals per second of simulated time over the measured window.</summary>
    public required double ArrivalRate { get; init; }

    public required double MeanQueueMs { get; init; }

    public required double P50QueueMs { get; init; }

    public required double P99QueueMs { get; init; }

    /// <summary>The upstream-local part of <see cref="MeanQueueMs"/>: waiting for a worker slot at the upstream.</summary>
    public required double MeanLocalQueueMs { get; init; }

    /// <summary>The balancer's part of <see cref="MeanQueueMs"/>: waiting in a replica's queue.</summary>
    public required double MeanGatewayQueueMs { get; init; }

    /// <summary>Share of requests with any queueing delay.</summary>
    public required double WaitedShare { get; init; }

    /// <summary>Share of requests that waited in an upstream's local queue.</summary>
    public required double LocalWaitedShare { get; init; }

    /// <summary>Mean drawn service time of the measured requests; equal across policies for the same seed.</summary>
    public required double MeanServiceMs { get; init; }

    /// <summary>Response at the replica minus arrival.</summary>
    public required double MeanEndToEndMs { get; init; }

    public required double P50EndToEndMs { get; init; }

    public required double P99EndToEndMs { get; init; }

    /// <summary>Requests simulated, warm-up included.</summary>
    public required int Requests { get; init; }

    /// <summary>Requests measured: those after warm-up.</summary>
    public required long MeasuredRequests { get; init; }

    /// <summary>Requests that completed; always <see cref="Requests"/> (the run checks conservation).</summary>
    public required int Completed { get; init; }
}
