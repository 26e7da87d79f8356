using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace ServerMetrics;

/// <summary>Registers the app's own prometheus-net registry and what every app exposes in it.</summary>
public static class ServerMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="CollectorRegistry"/> owned by this app (never prometheus-net's static default, so two apps in
    /// one process, as in tests, do not share series) and an <see cref="IMetricFactory"/> over it whose metrics record
    /// no exemplars unless they ask (<see cref="SampledTraceExemplar"/>).
    /// </summary>
    public static IServiceCollection AddServerMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton(_ => Metrics.NewCustomRegistry());
        services.AddSingleton<IMetricFactory>(sp =>
        {
            var registry = sp.GetRequiredService<CollectorRegistry>();
            var factory = Metrics.WithCustomRegistry(registry);
            factory.ExemplarBehavior = SampledTraceExemplar.None;
            RuntimeMetrics.Register(registry, factory);
            return factory;
        });
        services.AddSingleton<KestrelMetrics>();

        // Prometheus asks for gzip; the exposition is mostly repeated label text and shrinks about 14 times.
        services.AddResponseCompression(options =>
        {
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ["text/plain", "application/openmetrics-text"];
        });
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        return services;
    }
}
