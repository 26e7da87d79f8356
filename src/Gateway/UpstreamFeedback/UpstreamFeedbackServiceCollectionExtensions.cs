using Gateway.Metrics;

namespace Gateway.UpstreamFeedback;

/// <summary>
/// Registers what upstream feedback keeps: each destination's last reported backlog, and the upstream metrics.
/// <see cref="UpstreamFeedbackTransformProvider"/> joins YARP's transforms in the gateway's transform order.
/// </summary>
internal static class UpstreamFeedbackServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayUpstreamFeedback(this IServiceCollection services)
    {
        services.AddSingleton<DestinationBacklogs>();
        services.AddFeatureMetrics<UpstreamMetrics>();
        return services;
    }
}
