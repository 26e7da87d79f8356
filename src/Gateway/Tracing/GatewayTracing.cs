using System.Diagnostics;

namespace Gateway.Tracing;

/// <summary>
/// Makes sure every proxied request has a span, so trace context always reaches upstreams: a caller's sampled
/// span continues as a recorded one, anything else as a propagation-only span that costs almost nothing. Exporting
/// spans is OpenTelemetry's (see <see cref="TracingServiceCollectionExtensions"/>).
/// </summary>
internal sealed class GatewayTracing : IHostedService, IDisposable
{
    public const string AspNetCoreSource = "Microsoft.AspNetCore";
    public const string HttpClientSource = "System.Net.Http";

    private ActivityListener? _listener;

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
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener?.Dispose();
}
