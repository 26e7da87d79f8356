using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace ServerMetrics;

/// <summary>Maps the scrape endpoint.</summary>
public static class ServerMetricsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the app's registry at <paramref name="path"/> with prometheus-net's own middleware: the text format
    /// (0.0.4) by default, OpenMetrics with exemplars when the scraper's <c>Accept</c> asks for
    /// <c>application/openmetrics-text</c> (Prometheus does when started with <c>--enable-feature=exemplar-storage</c>),
    /// gzip-compressed when it accepts gzip. Also starts listening to Kestrel's meter, so call it at start-up.
    /// </summary>
    public static IEndpointConventionBuilder MapServerMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        var registry = endpoints.ServiceProvider.GetRequiredService<CollectorRegistry>();
        _ = endpoints.ServiceProvider.GetRequiredService<IMetricFactory>(); // Registers the runtime collectors.
        _ = endpoints.ServiceProvider.GetRequiredService<KestrelMetrics>();
        var pipeline = endpoints.CreateApplicationBuilder()
            .UseResponseCompression()
            .Use(static (context, next) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                return next(context);
            })
            .UseMiddleware<MetricServerMiddleware>(new MetricServerMiddleware.Settings { Registry = registry, EnableOpenMetrics = true })
            .Build();
        return endpoints.Map(path, pipeline).WithDisplayName("Prometheus metrics").ExcludeFromDescription();
    }
}
