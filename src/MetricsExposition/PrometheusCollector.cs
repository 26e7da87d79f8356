using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetricsExposition;

/// <summary>
/// Listens to the configured meters from the moment it is created and writes everything recorded since
/// in the Prometheus text format. Observable instruments are read at scrape time. A meter created
/// through another <see cref="IMeterFactory"/> (another app in the same process) is not this app's, and
/// is ignored.
/// </summary>
public sealed class PrometheusCollector : IDisposable
{
    /// <summary>The exposition's own counter of series it refused past <see cref="PrometheusExpositionOptions.MaxSeriesPerMetric"/>.</summary>
    public const string DroppedSeriesMetric = "metrics_exposition_series_dropped_total";

    private readonly PrometheusExpositionOptions _options;
    private readonly IMeterFactory? _scope;
    private readonly ILogger _logger;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _scrapeLock = new();
    private long _generation;

    public PrometheusCollector(PrometheusExpositionOptions options, IMeterFactory? scope = null, ILogger<PrometheusCollector>? logger = null)
    {
        _options = options;
        _scope = scope;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished, MeasurementsCompleted = OnMeasurementsCompleted };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => Record(state, value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => Record(state, (double)value, tags));
        _listener.Start();
    }

    /// <summary>Writes the exposition: every metric with at least one series, sorted by name.</summary>
    public void Collect(StringBuilder builder)
    {
        lock (_scrapeLock)
        {
            var generation = Interlocked.Increment(ref _generation);
            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException ex)
            {
                // One failing gauge callback must not take the whole scrape down.
                _logger.LogWarning(ex, "An observable instrument failed while being read for /metrics; its series are missing from this scrape.");
            }

            long dropped = 0;
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                family.Write(builder, family.Observable ? generation : null);
                dropped += family.Dropped;
            }

            builder.Append("# HELP ").Append(DroppedSeriesMetric)
                .Append(" Measurements dropped because their metric already had the maximum number of series.\n# TYPE ")
                .Append(DroppedSeriesMetric).Append(" counter\n").Append(DroppedSeriesMetric).Append(' ').Append(dropped).Append('\n');
        }
    }

    /// <summary>The exposition as a string.</summary>
    public string Collect()
    {
        var builder = new StringBuilder();
        Collect(builder);
        return builder.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        ((MetricFamily)state!).Record(value, tags, Volatile.Read(ref _generation));

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        if (!_options.Meters.Contains(meter.Name) || (meter.Scope is not null && !ReferenceEquals(meter.Scope, _scope)))
        {
            return;
        }

        if (Describe(instrument) is not var (kind, observable, replaces))
        {
            return;
        }

        if (kind == MetricKind.Counter && _options.Gauges.Contains(instrument.Name))
        {
            kind = MetricKind.Gauge;
        }

        var name = PrometheusText.MetricName(instrument, kind, _options.Renames);
        var help = string.IsNullOrWhiteSpace(instrument.Description)
            ? $"{instrument.Name} ({instrument.Unit ?? "no unit"}) from meter {meter.Name}."
            : instrument.Description;
        var family = new MetricFamily(name, help, kind, replaces, BucketsFor(instrument), _options.MaxSeriesPerMetric) { Observable = observable };
        if (!_families.TryAdd(name, family))
        {
            _logger.LogWarning(
                "Instrument {Instrument} of meter {Meter} is not exposed: another instrument is already exposed as {Metric}.",
                instrument.Name, meter.Name, name);
            return;
        }

        listener.EnableMeasurementEvents(instrument, family);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is MetricFamily family)
        {
            _families.TryRemove(new KeyValuePair<string, MetricFamily>(family.Name, family));
        }
    }

    private IReadOnlyList<double> BucketsFor(Instrument instrument)
    {
        var advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToList(),
            _ => null,
        };
        return advised ?? (instrument.Unit == "s" ? _options.SecondsBuckets : _options.DefaultBuckets);
    }

    /// <summary>How an instrument maps to Prometheus: its type, whether it is read at scrape time, and whether a measurement replaces the value.</summary>
    private static (MetricKind Kind, bool Observable, bool Replaces)? Describe(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }

        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>))
        {
            return (MetricKind.Counter, false, false);
        }

        if (type == typeof(UpDownCounter<>))
        {
            return (MetricKind.Gauge, false, false);
        }

        if (type == typeof(Gauge<>))
        {
            return (MetricKind.Gauge, false, true);
        }

        if (type == typeof(Histogram<>))
        {
            return (MetricKind.Histogram, false, false);
        }

        // Observable instruments report their current value (a counter's running total) at each read.
        if (type == typeof(ObservableCounter<>))
        {
            return (MetricKind.Counter, true, true);
        }

        if (type == typeof(ObservableUpDownCounter<>) || type == typeof(ObservableGauge<>))
        {
            return (MetricKind.Gauge, true, true);
        }

        return null;
    }
}
