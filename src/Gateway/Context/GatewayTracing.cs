using System.Diagnostics;
using Gateway.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using GatewayOtlpProtocol = Gateway.Configuration.OtlpProtocol;

namespace Gateway.Context;

/// <summary>
/// Makes sure every proxied request has a span, so trace context always reaches upstreams: a caller's sampled
/// span continues as a recorded one, anything else as a propagation-only span that costs almost nothing. When
/// <c>Gateway:Tracing:OtlpEndpoint</c> is set it also exports spans (the request's, and HttpClient's towards
/// the upstream) over OTLP, flushed when the gateway stops.
/// </summary>
internal sealed class GatewayTracing : IHostedService, IDisposable
{
    public const string AspNetCoreSource = "Microsoft.AspNetCore";
    public const string HttpClientSource = "System.Net.Http";

    private readonly TracingOptions _options;
    private ActivityListener? _listener;
    private TracerProvider? _exporter;

    public GatewayTracing(IOptions<GatewayOptions> options) => _options = options.Value.Tracing;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AspNetCoreSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> creation) =>
                creation.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
                    ? ActivitySamplingResult.AllDataAndRecorded
                    : ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(_listener);

        if (_options.OtlpEndpoint is { } endpoint)
        {
            _exporter = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(_options.ServiceName))
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(_options.SampleRatio)))
                .AddAspNetCoreInstrumentation()
                .AddSource(HttpClientSource)
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = _options.OtlpProtocol == GatewayOtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    otlp.Endpoint = _options.OtlpProtocol == GatewayOtlpProtocol.Grpc ? endpoint : new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/v1/traces");
                })
                .Build();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _exporter?.ForceFlush(5_000);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _exporter?.Dispose();
        _listener?.Dispose();
    }
}
