using Gateway.LoadBalancing;
using Yarp.ReverseProxy.Configuration;

namespace Gateway.Configuration;

/// <summary>
/// Reports bad <c>Gateway.*</c> metadata in proxy configuration applied while the gateway runs. Start-up refuses
/// such values; a live reload cannot, so the gate falls back to defaults for them and this says so, naming the key.
/// </summary>
internal sealed partial class GatewayMetadataListener(ILogger<GatewayMetadataListener> logger) : IConfigChangeListener
{
    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        foreach (var config in proxyConfigs)
        {
            foreach (var route in config.Routes)
            {
                foreach (var (key, problem) in GatewayMetadata.RouteProblems(route.Metadata))
                {
                    LogBadMetadata(logger, $"ReverseProxy:Routes:{route.RouteId}:Metadata:{key}", problem);
                }
            }

            foreach (var cluster in config.Clusters)
            {
                foreach (var (key, problem) in GatewayMetadata.Problems(cluster.Metadata, isCluster: true))
                {
                    LogBadMetadata(logger, $"ReverseProxy:Clusters:{cluster.ClusterId}:Metadata:{key}", problem);
                }

                foreach (var (destinationId, destination) in cluster.Destinations ?? new Dictionary<string, DestinationConfig>())
                {
                    foreach (var (key, problem) in GatewayMetadata.Problems(destination.Metadata, isCluster: false))
                    {
                        LogBadMetadata(logger, $"ReverseProxy:Clusters:{cluster.ClusterId}:Destinations:{destinationId}:Metadata:{key}", problem);
                    }
                }
            }
        }
    }

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception)
    {
    }

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception)
    {
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "{Key} {Problem}; the gateway uses the default for it until the configuration is fixed.")]
    private static partial void LogBadMetadata(ILogger logger, string key, string problem);
}
