using Prometheus;

namespace Gateway.Metrics;

/// <summary>
/// The cap on series per metric (<c>Gateway:Metrics:MaxSeriesPerMetric</c>): past it, measurements with a new label
/// combination are dropped and counted in <c>metrics_exposition_series_dropped_total</c>, so a label fed by
/// something unbounded cannot grow memory and scrape size without end.
/// </summary>
internal sealed class SeriesLimit
{
    private readonly Lazy<int> _max;
    private readonly Counter _dropped;

    // max is read on the first new series, not before: the options are validated after the metrics exist.
    public SeriesLimit(IMetricFactory factory, Func<int> max)
    {
        _max = new Lazy<int>(max);
        _dropped = factory.CreateCounter(
            "metrics_exposition_series_dropped_total", "Measurements dropped because their metric already had the maximum number of series.");
    }

    public int Max => _max.Value;

    public void Drop() => _dropped.Inc();
}
