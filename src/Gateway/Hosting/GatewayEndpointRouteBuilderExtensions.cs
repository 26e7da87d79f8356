using Gateway.Admission;
using Gateway.Admission.Redis;
using Gateway.Configuration;
using Gateway.Context;
using Gateway.Fleet;
using Gateway.LoadBalancing;
using Gateway.Timing;
using Gateway.Metrics;
using ServerMetrics;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Health;

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
        var redisAdmission = endpoints.ServiceProvider.RedisStatus();

        // Degraded is still 200: the gateway serves (enqueue routes on local limits, or 503 when failing closed), and
        // taking replicas out of a balancer would not bring Redis back. Until the first round of active health probes
        // has answered it is 503 "starting": before that the gateway knows neither which destinations are up nor
        // their concurrency limits, and a cold burst would queue behind one request per destination.
        var monitor = endpoints.ServiceProvider.GetRequiredService<IActiveHealthCheckMonitor>();
        var fleet = endpoints.ServiceProvider.GetRequiredService<FleetCoordinator>() is { Enabled: true }
            ? endpoints.ServiceProvider.GetRequiredService<FleetStatus>()
            : null;
        endpoints.MapGet("/healthz", () => !monitor.InitialProbeCompleted
            ? Results.Json(new { status = "starting", reason = "initial_health_probes" }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : fleet is { Degraded: true }
            ? Results.Ok(new { status = "degraded", reason = FleetStatus.UnavailableReason, mode = "local" })
            : redisAdmission is { Degraded: true }
            ? Results.Ok(new { status = "degraded", reason = RedisAdmissionStatus.UnavailableReason, failureMode = options.Admission.Redis.FailureMode.ToString() })
            : Results.Ok(new { status = "ok" })).ExcludeFromDescription();
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
