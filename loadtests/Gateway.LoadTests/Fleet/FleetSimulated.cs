namespace Gateway.LoadTests.Fleet;

/// <summary>
/// The simulator's figures for one set-up at one level (ms). It runs at the utilization the real level measured and
/// reports its own busy share; the local queueing is the part spent in upstreams' queues, to set beside the real
/// ground truth.
/// </summary>
internal sealed record FleetSimulated(double TargetUtilization, double Utilization, double MeanQueueMs, double P99QueueMs, double MeanLocalQueueMs);
