using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetricsExposition;

/// <summary>Registers the collector and maps the scrape endpoint.</summary>
public static class PrometheusExpositionExtensions
{
    /// <summary>
    /// Adds a <see cref="PrometheusCollector"/> for this app's meters. It listens from the moment it is
    /// first resolved; <see cref="MapPrometheusMetrics"/> resolves it while the app is built, so nothing
    /// recorded from start-up on is missed.
    /// </summary>
    public static IServiceCollection AddPrometheusExposition(
        this IServiceCollection services, Action<PrometheusExpositionOptions, IServiceProvider> configure)
    {
        services.AddMetrics();
        services.AddSingleton(sp =>
        {
            var options = new PrometheusExpositionOptions();
            configure(options, sp);
            return new PrometheusCollector(
                options, sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<ILogger<PrometheusCollector>>());
        });
        return services;
    }

    /// <summary>Serves the text exposition at <paramref name="path"/>, gzip-compressed when the scraper accepts it (Prometheus does).</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        var collector = endpoints.ServiceProvider.GetRequiredService<PrometheusCollector>();
        return endpoints.MapGet(path, (HttpContext context) => WriteAsync(context, collector)).ExcludeFromDescription();
    }

    private static async Task WriteAsync(HttpContext context, PrometheusCollector collector)
    {
        var builder = new StringBuilder(64 * 1024);
        collector.Collect(builder);
        var bytes = Encoding.UTF8.GetBytes(builder.ToString());

        var response = context.Response;
        response.ContentType = PrometheusText.ContentType;
        response.Headers.CacheControl = "no-store";
        if (AcceptsGzip(context.Request))
        {
            response.Headers.ContentEncoding = "gzip";
            response.Headers.Vary = "Accept-Encoding";
            await using var gzip = new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            if (value is not null && value.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
