namespace MetricsExposition;

/// <summary>The Prometheus metric type an instrument is exposed as.</summary>
public enum MetricKind
{
    /// <summary>Counter and ObservableCounter: monotonic, named with <c>_total</c>.</summary>
    Counter,

    /// <summary>Gauge, ObservableGauge and both UpDownCounters.</summary>
    Gauge,

    /// <summary>Histogram: cumulative <c>_bucket</c> series plus <c>_sum</c> and <c>_count</c>.</summary>
    Histogram,
}
