using DemoUpstream.Jobs;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DemoUpstream.Tracing;

/// <summary>
/// Exports the request spans and the jobs' execution spans over OTLP/HTTP when <c>DemoUpstream:OtlpEndpoint</c> is
/// set, so a trace shows gateway → DemoUpstream → job → child job in the collector. OpenTelemetry.Extensions.Hosting
/// flushes the exporter when the service provider is disposed, which is after every hosted service (the job drain
/// included) has stopped.
/// </summary>
internal static class TracingServiceCollectionExtensions
{
    public static IServiceCollection AddDemoTracing(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(configuration[$"{DemoUpstreamOptions.SectionName}:{nameof(DemoUpstreamOptions.OtlpEndpoint)}"]))
        {
            return services;
        }

        services.AddOptions<OtlpExporterOptions>().Configure<IOptions<DemoUpstreamOptions>>((otlp, options) =>
        {
            otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
            otlp.Endpoint = new Uri(options.Value.OtlpEndpoint!.AbsoluteUri.TrimEnd('/') + "/v1/traces");
        });
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(
                sp => new ServiceNameDetector(sp.GetRequiredService<IOptions<DemoUpstreamOptions>>().Value.ServiceName)))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
                .AddAspNetCoreInstrumentation()
                .AddSource(JobActivitySource.Name)
                .AddOtlpExporter());
        return services;
    }

    /// <summary>The <c>service.name</c> resource attribute from the options.</summary>
    private sealed class ServiceNameDetector(string serviceName) : IResourceDetector
    {
        public Resource Detect() => ResourceBuilder.CreateEmpty().AddService(serviceName).Build();
    }
}
