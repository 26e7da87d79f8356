using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Gateway.Metrics;

/// <summary>
/// Meters named in <c>Gateway:Metrics:AdditionalMeters</c> (e.g. <c>System.Net.Http</c>), served through
/// prometheus-net's <see cref="MeterAdapter"/> in the gateway's registry. They are diagnostics, not part of the
/// metric contract, and keep the adapter's naming: the meter name then the instrument's
/// (<c>system_net_http_http_client_open_connections</c>). Off by default: HttpClient's meter records several
/// measurements per proxied request, about 5% of the gateway's throughput.
/// </summary>
internal sealed class AdditionalMeters : IDisposable
{
    private readonly IDisposable? _adapter;

    public AdditionalMeters(IOptions<MetricsOptions> options, CollectorRegistry registry, IMetricFactory factory, IMeterFactory scope)
    {
        var meters = new HashSet<string>(options.Value.AdditionalMeters, StringComparer.Ordinal);
        if (meters.Count == 0)
        {
            return;
        }

        // A meter created through another app's IMeterFactory (another host in the same process) is not ours.
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry,
            MetricFactory = factory,
            InstrumentFilterPredicate = instrument =>
                meters.Contains(instrument.Meter.Name) && (instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, scope)),
        });
    }

    public void Dispose() => _adapter?.Dispose();
}
