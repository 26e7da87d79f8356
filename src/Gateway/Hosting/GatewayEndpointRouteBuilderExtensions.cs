using Gateway.Admission;
using Gateway.Configuration;
using Gateway.Context;
using Gateway.LoadBalancing;
using Gateway.Timing;
using MetricsExposition;
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

        // Mapped (so the collector is listening) before anything records a measurement.
        if (options.Metrics.Enabled)
        {
            endpoints.MapPrometheusMetrics(options.Metrics.Path);
        }

        endpoints.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).ExcludeFromDescription();
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
