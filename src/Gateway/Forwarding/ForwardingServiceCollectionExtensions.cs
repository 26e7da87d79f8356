using Gateway.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Forwarding;

/// <summary>
/// Registers how requests reach upstreams: YARP's HttpClient with the connect timeout, connection metrics and the
/// gateway's trace propagator, and the default activity timeout (<c>Gateway:Upstream</c>).
/// </summary>
internal static class ForwardingServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayForwarding(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<UpstreamOptions>, UpstreamOptionsValidator>();
        services.AddFeatureMetrics<ConnectionMetrics>();
        services.AddSingleton<IProxyConfigFilter, UpstreamDefaultsConfigFilter>();

        // After AddReverseProxy, which registers YARP's own factory.
        services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, MeteredForwarderHttpClientFactory>());
        return services;
    }
}
