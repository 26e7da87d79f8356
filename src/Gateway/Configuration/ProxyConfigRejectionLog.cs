using Yarp.ReverseProxy.Configuration;

namespace Gateway.Configuration;

/// <summary>
/// Logs a live <c>ReverseProxy</c> edit that YARP refused (for example bad <c>Gateway.*</c> metadata, found by
/// <see cref="GatewayProxyConfigValidator"/>) in one line that names the keys; YARP keeps the last valid routes and clusters.
/// </summary>
internal sealed partial class ProxyConfigRejectionLog(ILogger<ProxyConfigRejectionLog> logger) : IConfigChangeListener
{
    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception) => Log(exception);

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception) => Log(exception);

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    private void Log(Exception exception) =>
        LogRejected(logger, StartupErrors.TryDescribe(exception, out var message) ? message : exception.Message);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "ReverseProxy configuration change refused, keeping the last valid routes and clusters: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem);
}
