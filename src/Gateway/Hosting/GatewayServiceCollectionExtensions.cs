using Gateway.Admission;
using Gateway.Configuration;
using Gateway.Context;
using Gateway.Fleet;
using Gateway.LoadBalancing;
using Gateway.Metrics;
using Gateway.Timing;
using ServerMetrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Configuration.ClusterValidators;
using Yarp.ReverseProxy.Configuration.RouteValidators;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Gateway.Hosting;

/// <summary>Registers the gateway: YARP from the <c>ReverseProxy</c> section plus the gateway's own parts.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>()
            .Bind(configuration.GetSection(GatewayOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddSingleton<IValidateOptions<GatewayOptions>, ContextOptionsValidator>();
        services.AddSingleton<IValidateOptions<GatewayOptions>, AdmissionOptionsValidator>();
        services.AddSingleton<IValidateOptions<GatewayOptions>, FleetOptionsValidator>();
        services.AddSingleton<LiveGatewayOptions>();
        services.AddSingleton<GatewayProxyConfigValidator>();
        services.AddSingleton<IClusterValidator>(static sp => sp.GetRequiredService<GatewayProxyConfigValidator>());
        services.AddSingleton<IRouteValidator>(static sp => sp.GetRequiredService<GatewayProxyConfigValidator>());
        services.AddSingleton<IConfigChangeListener, ProxyConfigRejectionLog>();

        services.AddSingleton(TimeProvider.System);
        services.AddServerMetrics();
        services.AddSingleton<ClusterGateRegistry>();
        services.AddSingleton<FleetStatus>();
        services.AddSingleton<FleetCoordinator>();
        services.AddHostedService(static services => services.GetRequiredService<FleetCoordinator>());
        services.AddSingleton<DestinationBacklogs>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<AccessLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLogWriter>());
        services.AddSingleton<ILoadBalancingPolicy, LeastOutstandingPolicy>();
        services.AddSingleton<ILoadBalancingPolicy, ConcurrencyAwarePolicy>();
        services.AddSingleton<ILoadBalancingPolicy, ShuffleShardPolicy>();
        services.AddProblemDetails();
        services.AddGatewayContext(configuration);
        services.AddGatewayTracing(configuration);
        services.AddGatewayHealthChecks();
        services.AddGatewayAdmission();

        services.AddReverseProxy()
            .LoadFromConfig(configuration.GetSection("ReverseProxy"))
            .AddTransforms<ContextTransformProvider>()
            .AddTransforms<UpstreamTimingTransformProvider>()
            .AddConfigFilter<UpstreamDefaultsConfigFilter>();
        services.AddSingleton<IActiveHealthCheckPolicy, LoadReportHealthPolicy>();
        services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, MeteredForwarderHttpClientFactory>());

        services.AddSingleton<AdditionalMeters>();
        return services;
    }
}
