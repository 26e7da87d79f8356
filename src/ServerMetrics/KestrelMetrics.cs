using System.Diagnostics.Metrics;
using Prometheus;

namespace ServerMetrics;

/// <summary>
/// Kestrel's connection figures, which only its meter knows: connections open now, connections accepted but not yet
/// served, and connections refused over the limit. Listens to the app's own Kestrel meter (not another app's in the
/// same process) from start-up, and adds each change to a prometheus-net gauge or counter.
/// </summary>
internal sealed class KestrelMetrics : IDisposable
{
    public const string MeterName = "Microsoft.AspNetCore.Server.Kestrel";

    private readonly MeterListener _listener;

    public KestrelMetrics(IMeterFactory scope, IMetricFactory factory)
    {
        var active = factory.CreateGauge("kestrel_active_connections", "Connections open now.");
        var queued = factory.CreateGauge("kestrel_queued_connections", "Connections accepted and waiting for Kestrel to start serving them.");
        var rejected = factory.CreateCounter("kestrel_rejected_connections_total", "Connections refused because the server was at its connection limit.");
        var series = new Dictionary<string, Action<long>>(StringComparer.Ordinal)
        {
            ["kestrel.active_connections"] = change => active.Inc(change),
            ["kestrel.queued_connections"] = change => queued.Inc(change),
            ["kestrel.rejected_connections"] = count => rejected.Inc(count),
        };
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MeterName && ReferenceEquals(instrument.Meter.Scope, scope) && series.TryGetValue(instrument.Name, out var add))
                {
                    listener.EnableMeasurementEvents(instrument, add);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, state) => ((Action<long>)state!)(value));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();
}
