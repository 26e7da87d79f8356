namespace Gateway.LoadTests.UlqSweep;

/// <summary>One system at one utilization level. Times in ms; queueing is end-to-end minus the upstream's app time.</summary>
internal sealed record SweepRow(
    string System,
    string Label,
    double TargetUtilization,
    double Utilization,
    double RatePerSecond,
    int Requests,
    int Ok,
    double MeanQueueMs,
    double P50QueueMs,
    double P99QueueMs,
    double MeanE2eMs,
    double P50E2eMs,
    double P99E2eMs);
