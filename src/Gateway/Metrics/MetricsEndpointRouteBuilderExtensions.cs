using Microsoft.Extensions.Options;
using ServerMetrics;

namespace Gateway.Metrics;

/// <summary>Creates the gateway's metrics and maps the scrape endpoint (<c>Gateway:Metrics</c>).</summary>
internal static class MetricsEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder endpoints)
    {
        // The metrics exist from start-up whether or not they are served: nothing recorded before the first scrape is lost.
        var services = endpoints.ServiceProvider;
        FeatureMetrics.CreateAll(services);
        var options = services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (options.Enabled)
        {
            endpoints.MapServerMetrics(options.Path);
            _ = services.GetRequiredService<AdditionalMeters>();
        }

        return endpoints;
    }
}
