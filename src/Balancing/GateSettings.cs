namespace Gateway.Balancing;

/// <summary>One cluster's effective balancing settings, as the gate's owner resolved them from its configuration.</summary>
internal sealed record GateSettings
{
    /// <summary>The cluster-wide limit; a destination's own <see cref="DestinationLoad.ConfiguredLimit"/> overrides it.</summary>
    public int? ClusterLimit { get; init; }

    /// <summary>Used until an upstream reports its own limit.</summary>
    public int? DefaultLimit { get; init; }

    public int MaxQueueLength { get; init; } = int.MaxValue;

    /// <summary>
    /// Whether other callers' reported work breaks ties between destinations with as many of this balancer's own
    /// requests in flight. It never holds a request back: acting on reports a round trip old idles slots.
    /// </summary>
    public bool UseReportedInFlight { get; init; } = true;

    public HealthThresholds Health { get; init; } = new();
}
