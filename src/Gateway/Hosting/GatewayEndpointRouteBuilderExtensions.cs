using Gateway.Admission;
using Gateway.Configuration;
using Gateway.Context;
using Gateway.LoadBalancing;
using Gateway.Timing;
using Gateway.Metrics;
using ServerMetrics;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>Maps the gateway's endpoints and the proxy pipeline, in request-path order.</summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder endpoints)
    {
        // Resolve options first: a bad value should stop start-up naming its key, before YARP's own
        // config validation (inside MapReverseProxy) reports the same problem without the key.
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        _ = endpoints.ServiceProvider.GetRequiredService<LiveGatewayOptions>();

        // The metrics exist from start-up whether or not they are served: nothing recorded before the first scrape is lost.
        _ = endpoints.ServiceProvider.GetRequiredService<GatewayMetrics>();
        if (options.Metrics.Enabled)
        {
            endpoints.MapServerMetrics(options.Metrics.Path);
            _ = endpoints.ServiceProvider.GetRequiredService<AdditionalMeters>();
        }

        // Created now so a shared-bucket store starts connecting at start-up, not on the first enqueue request.
        _ = endpoints.ServiceProvider.GetRequiredService<ITenantBuckets>();
        endpoints.MapHealthChecks("/healthz", HealthResponse.Options).ExcludeFromDescription();
        endpoints.MapReverseProxy(pipeline =>
        {
            pipeline.UseMiddleware<RequestTimingMiddleware>();
            pipeline.UseMiddleware<RequestContextMiddleware>();
            pipeline.UseMiddleware<AdmissionMiddleware>();
            pipeline.UseSessionAffinity();
            pipeline.UseMiddleware<ConcurrencyGateMiddleware>();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
