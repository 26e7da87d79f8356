using Gateway.AccessLog;
using Gateway.Admission;
using Gateway.Authentication;
using Gateway.Configuration;
using Gateway.Health;
using Gateway.LoadBalancing;
using Gateway.Metrics;
using Gateway.Qdelay;
using Gateway.Tracing;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>Maps the gateway's endpoints and the proxy pipeline, in request-path order.</summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder endpoints)
    {
        // Resolve options first: a bad value should stop start-up naming its key, before YARP's own
        // config validation (inside MapReverseProxy) reports the same problem without the key.
        _ = endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        _ = endpoints.ServiceProvider.GetRequiredService<LiveGatewayOptions>();

        if (endpoints is IApplicationBuilder app)
        {
            app.OmitAuthorizationWhenAuthenticationIsOff();
        }

        endpoints.MapGatewayMetrics();
        endpoints.MapGatewayHealth();
        endpoints.MapReverseProxy(pipeline =>
        {
            pipeline.UseGatewayAccessLog();
            pipeline.UseGatewayAuthentication();
            pipeline.UseGatewayQdelay();
            pipeline.UseGatewayBaggage();
            pipeline.UseGatewayAdmission();
            pipeline.UseSessionAffinity();
            pipeline.UseGatewayConcurrencyGate();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
