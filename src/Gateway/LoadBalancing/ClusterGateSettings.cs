using Gateway.Balancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>One cluster's effective gate settings: global options overridden by cluster metadata.</summary>
internal sealed record ClusterGateSettings
{
    /// <summary>What the balancing decision needs: limits, queue length, load-report use and health thresholds.</summary>
    public GateSettings Core { get; init; } = new();

    public TimeSpan QueueTimeout { get; init; }

    public static ClusterGateSettings From(ClusterModel? cluster, GateOptions options)
    {
        var metadata = cluster?.Config.Metadata;
        var health = options.Health;
        return new ClusterGateSettings
        {
            Core = new GateSettings
            {
                ClusterLimit = GatewayMetadata.ReadPositiveInt(metadata, GatewayMetadata.ConcurrencyLimit),
                DefaultLimit = options.LoadBalancing.DefaultConcurrencyLimit,
                MaxQueueLength = GatewayMetadata.ReadNonNegativeInt(metadata, GatewayMetadata.QueueLength) ?? options.Queue.MaxLength,
                UseReportedInFlight = options.LoadBalancing.UseReportedInFlight,
                Health = new HealthThresholds
                {
                    ConsecutiveFailures = health.ConsecutiveFailures,
                    FailureRatio = health.FailureRatio,
                    FailureRatioMinRequests = health.FailureRatioMinRequests,
                    FailureWindow = health.FailureWindow,
                    ReactivationPeriod = health.ReactivationPeriod,
                    MaxEjectedPercent = health.MaxEjectedPercent,
                },
            },
            QueueTimeout = GatewayMetadata.ReadTimeSpan(metadata, GatewayMetadata.QueueTimeout) ?? options.Queue.Timeout,
        };
    }
}
