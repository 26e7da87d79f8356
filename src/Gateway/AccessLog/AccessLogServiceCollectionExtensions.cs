using Gateway.Metrics;

namespace Gateway.AccessLog;

/// <summary>
/// Registers the access log's background writer and the request metrics. <see cref="ServerTimingTransformProvider"/>
/// joins YARP's transforms in the gateway's transform order.
/// </summary>
internal static class AccessLogServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayAccessLog(this IServiceCollection services)
    {
        services.AddSingleton<AccessLogWriter>();
        services.AddHostedService(static sp => sp.GetRequiredService<AccessLogWriter>());
        services.AddFeatureMetrics<RequestMetrics>();
        return services;
    }
}
