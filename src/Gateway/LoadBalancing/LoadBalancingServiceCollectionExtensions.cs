using Gateway.Fleet;
using Gateway.Metrics;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Gateway.LoadBalancing;

/// <summary>
/// Registers the gateway's balancing: one gate per cluster, the policies, the <c>LoadReport</c> active health policy,
/// the checks of the sections the gates read, and their metrics.
/// </summary>
internal static class LoadBalancingServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayLoadBalancing(this IServiceCollection services)
    {
        services.AddSingleton<LoadBalancingOptionsValidator>();
        services.AddSingleton<IValidateOptions<QueueOptions>>(static sp => sp.GetRequiredService<LoadBalancingOptionsValidator>());
        services.AddSingleton<IValidateOptions<LoadBalancingOptions>>(static sp => sp.GetRequiredService<LoadBalancingOptionsValidator>());
        services.AddSingleton<IValidateOptions<HealthOptions>>(static sp => sp.GetRequiredService<LoadBalancingOptionsValidator>());
        services.AddSingleton<IValidateOptions<RetryOptions>>(static sp => sp.GetRequiredService<LoadBalancingOptionsValidator>());
        services.AddSingleton<ClusterGateRegistry>();
        services.AddSingleton<IFleetClusters, ConcurrencyAwareClusters>();
        services.AddSingleton<ILoadBalancingPolicy, LeastOutstandingPolicy>();
        services.AddSingleton<ILoadBalancingPolicy, ConcurrencyAwarePolicy>();
        services.AddSingleton<ILoadBalancingPolicy, ShuffleShardPolicy>();
        services.AddSingleton<IActiveHealthCheckPolicy, LoadReportHealthPolicy>();
        services.AddFeatureMetrics<LoadBalancingMetrics>();
        return services;
    }
}
