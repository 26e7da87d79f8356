using Gateway.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>One cluster's effective gate settings: global options overridden by cluster metadata.</summary>
internal sealed record ClusterGateSettings
{
    /// <summary>From cluster metadata <c>Gateway.ConcurrencyLimit</c>.</summary>
    public int? ClusterLimit { get; init; }

    /// <summary>From <c>Gateway:LoadBalancing:DefaultConcurrencyLimit</c>: used until an upstream reports its own.</summary>
    public int? DefaultLimit { get; init; }

    public int MaxQueueLength { get; init; }

    public TimeSpan QueueTimeout { get; init; }

    public TimeSpan LoadReportTtl { get; init; }

    public bool UseReportedInFlight { get; init; }

    /// <summary>Passive health thresholds, from <c>Gateway:Health</c>.</summary>
    public HealthOptions Health { get; init; } = new();

    public static ClusterGateSettings From(ClusterModel? cluster, GatewayOptions options)
    {
        var metadata = cluster?.Config.Metadata;
        return new ClusterGateSettings
        {
            ClusterLimit = GatewayMetadata.ReadPositiveInt(metadata, GatewayMetadata.ConcurrencyLimit),
            DefaultLimit = options.LoadBalancing.DefaultConcurrencyLimit,
            MaxQueueLength = GatewayMetadata.ReadNonNegativeInt(metadata, GatewayMetadata.QueueLength) ?? options.Queue.MaxLength,
            QueueTimeout = GatewayMetadata.ReadTimeSpan(metadata, GatewayMetadata.QueueTimeout) ?? options.Queue.Timeout,
            LoadReportTtl = options.LoadBalancing.LoadReportTtl,
            UseReportedInFlight = options.LoadBalancing.UseReportedInFlight,
            Health = options.Health,
        };
    }
}
