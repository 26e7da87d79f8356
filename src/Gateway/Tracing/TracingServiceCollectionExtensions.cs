using Gateway.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Tracing;

/// <summary>
/// Registers tracing: every proxied request gets a span (<see cref="GatewayTracing"/>) and composed baggage, and with
/// <c>Gateway:Tracing:OtlpEndpoint</c> set, OpenTelemetry exports the request's span and HttpClient's towards the
/// upstream over OTLP; OpenTelemetry.Extensions.Hosting starts the exporter with the host and flushes it when it stops.
/// </summary>
internal static class TracingServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayTracing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<TracingOptions>, TracingOptionsValidator>();
        services.AddFeatureMetrics<BaggageMetrics>();
        services.AddSingleton<GatewayTracing>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayTracing>());

        // Decided at registration, because instrumentation costs every request even with nothing to export; the
        // values themselves come from the validated options.
        if (string.IsNullOrEmpty(configuration[$"{TracingOptions.SectionName}:{nameof(TracingOptions.OtlpEndpoint)}"]))
        {
            return services;
        }

        services.AddOptions<OtlpExporterOptions>().Configure<IOptions<TracingOptions>>((otlp, options) =>
        {
            var tracing = options.Value;
            var grpc = tracing.OtlpProtocol == OtlpProtocol.Grpc;
            otlp.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
            otlp.Endpoint = grpc ? tracing.OtlpEndpoint! : new Uri(tracing.OtlpEndpoint!.AbsoluteUri.TrimEnd('/') + "/v1/traces");
        });
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(sp => new ServiceNameDetector(Tracing(sp).ServiceName)))
            .WithTracing(tracing => tracing
                .SetSampler(sp => new ParentBasedSampler(new TraceIdRatioBasedSampler(Tracing(sp).SampleRatio)))
                .AddAspNetCoreInstrumentation()
                .AddSource(GatewayTracing.HttpClientSource)
                .AddOtlpExporter());
        return services;
    }

    private static TracingOptions Tracing(IServiceProvider services) => services.GetRequiredService<IOptions<TracingOptions>>().Value;

    /// <summary>The <c>service.name</c> resource attribute from the gateway's options.</summary>
    private sealed class ServiceNameDetector(string serviceName) : IResourceDetector
    {
        public Resource Detect() => ResourceBuilder.CreateEmpty().AddService(serviceName).Build();
    }
}
