using DemoUpstream.Jobs;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DemoUpstream.Tracing;

/// <summary>
/// Exports the request spans and the jobs' execution spans over OTLP/HTTP when <c>DemoUpstream:OtlpEndpoint</c> is
/// set, so a trace shows gateway → DemoUpstream → job → child job in the collector. Flushed when the host stops,
/// which is after the job drain: the host awaits every service's StoppingAsync (the drain's) before any StopAsync.
/// </summary>
internal sealed class SpanExport(IOptions<DemoUpstreamOptions> options) : IHostedService, IDisposable
{
    private TracerProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.OtlpEndpoint is { } endpoint)
        {
            _provider = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(options.Value.ServiceName))
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
                .AddAspNetCoreInstrumentation()
                .AddSource(JobActivitySource.Name)
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                    otlp.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/v1/traces");
                })
                .Build();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _provider?.ForceFlush(5_000);
        return Task.CompletedTask;
    }

    public void Dispose() => _provider?.Dispose();
}
