namespace Gateway.UpstreamFeedback;

/// <summary>
/// An upstream's load report, from its <c>endpoint-load-metrics</c> header: occupancy (<c>inflight</c>,
/// <c>limit</c>) on every response, and on enqueue responses the backlog of the queue the job went into
/// (<c>backlog</c>, <c>backlog_age_ms</c>) and the calling tenant's share of it (<c>tenant_backlog</c>,
/// <c>tenant_backlog_age_ms</c>). A figure the upstream did not send is null.
/// </summary>
internal readonly record struct LoadReport(
    int? InFlight,
    int? Limit,
    long? Backlog = null,
    double? BacklogAgeMs = null,
    long? TenantBacklog = null,
    double? TenantBacklogAgeMs = null);
