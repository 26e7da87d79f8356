namespace Gateway.LoadTests.NoisyNeighbor;

/// <summary>
/// One tenant in one phase, as its clients saw it: enqueue outcomes and latency (from the scheduled send, so queueing
/// anywhere counts), and how long its accepted jobs waited to start (<c>first_attempt_at − visible_at</c>, from the
/// job documents). <see cref="BacklogAgeMaxMs"/> is the largest <c>tenant_backlog_age_ms</c> DemoUpstream reported on
/// the tenant's 202s: its oldest visible job not yet started, at each enqueue.
/// </summary>
internal sealed record TenantPhaseRow(
    string Tenant,
    NoisyNeighborPhase Phase,
    double OfferedPerSecond,
    int Sent,
    int Accepted,
    int Rejected,
    int Other,
    double P50Ms,
    double P99Ms,
    double? P99Ratio,
    int Jobs,
    double StartWaitP50Ms,
    double StartWaitP99Ms,
    double StartWaitMaxMs,
    double BacklogAgeMaxMs);
