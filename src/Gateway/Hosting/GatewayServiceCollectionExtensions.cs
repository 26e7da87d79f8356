using Gateway.AccessLog;
using Gateway.Admission;
using Gateway.Authentication;
using Gateway.Configuration;
using Gateway.Fleet;
using Gateway.Forwarding;
using Gateway.Health;
using Gateway.LoadBalancing;
using Gateway.Metrics;
using Gateway.Qdelay;
using Gateway.Tracing;
using Gateway.UpstreamFeedback;

namespace Gateway.Hosting;

/// <summary>Registers the gateway: YARP from the <c>ReverseProxy</c> section plus each of the gateway's features.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGatewayConfiguration(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))

            // On each upstream request and response, in this order.
            .AddTransforms<AuthenticationTransformProvider>()
            .AddTransforms<QdelayTransformProvider>()
            .AddTransforms<BaggageTransformProvider>()
            .AddTransforms<UpstreamFeedbackTransformProvider>()
            .AddTransforms<ServerTimingTransformProvider>();

        services.AddGatewayMetrics();
        services.AddGatewayAccessLog();
        services.AddGatewayAuthentication(configuration);
        services.AddGatewayQdelay();
        services.AddGatewayTracing(configuration);
        services.AddGatewayAdmission();
        services.AddGatewayLoadBalancing();
        services.AddGatewayFleet();
        services.AddGatewayUpstreamFeedback();
        services.AddGatewayForwarding();
        services.AddGatewayHealth();
        return services;
    }
}
