using Prometheus;

namespace Gateway.Metrics;

/// <summary>
/// The cap on series per metric (<c>Gateway:Metrics:MaxSeriesPerMetric</c>): past it, measurements with a new label
/// combination are dropped and counted in <c>metrics_exposition_series_dropped_total</c>, so a label fed by
/// something unbounded cannot grow memory and scrape size without end. With metrics off (<c>Gateway:Metrics:Enabled</c>
/// false, decided at start-up like the endpoint) no labelled series is kept at all: nothing could read it, and finding
/// a request's series is most of what recording it costs.
/// </summary>
internal sealed class SeriesLimit
{
    private readonly Lazy<int> _max;
    private readonly Lazy<bool> _recording;
    private readonly Counter _dropped;

    // max and recording are read on first use, not before: the options are validated after the metrics exist.
    public SeriesLimit(IMetricFactory factory, Func<int> max, Func<bool>? recording = null)
    {
        _max = new Lazy<int>(max);
        _recording = new Lazy<bool>(recording ?? (static () => true));
        _dropped = factory.CreateCounter(
            "metrics_exposition_series_dropped_total", "Measurements dropped because their metric already had the maximum number of series.");
    }

    public int Max => _max.Value;

    /// <summary>False while metrics are off: labelled series then record nothing.</summary>
    public bool Recording => _recording.Value;

    public void Drop() => _dropped.Inc();
}
