using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace MetricsExposition;

/// <summary>
/// Everything exposed for one instrument: its name, help and type, and its series by tag set. Recording
/// finds an existing series without allocating; a new tag set is formatted once, under a lock, and tag
/// sets that format to the same labels (say the int 200 and the long 200) share one series.
/// </summary>
internal sealed class MetricFamily
{
    private readonly ConcurrentDictionary<TagSet, Series> _byTags = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, Series>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly Dictionary<string, Series> _byLabels = new(StringComparer.Ordinal);
    private readonly Lock _addLock = new();
    private readonly int _maxSeries;
    private readonly bool _replaces;
    private readonly double[] _bounds;
    private readonly string[] _boundLabels;
    private long _dropped;

    public MetricFamily(string name, string help, MetricKind kind, bool replaces, IReadOnlyList<double> bounds, int maxSeries)
    {
        Name = name;
        Help = help;
        Kind = kind;
        _replaces = replaces;
        _maxSeries = maxSeries;
        _bounds = [.. bounds];
        _boundLabels = [.. bounds.Select(b => b.ToString("R", CultureInfo.InvariantCulture))];
        _lookup = _byTags.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    public string Name { get; }

    public string Help { get; }

    public MetricKind Kind { get; }

    /// <summary>Read at scrape time; series it stops reporting are removed.</summary>
    public bool Observable { get; init; }

    /// <summary>Measurements that would have created a series past the per-metric limit.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, long generation)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        if (!_lookup.TryGetValue(tags, out var series))
        {
            series = Add(tags);
            if (series is null)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
        }

        series.Generation = generation;
        series.Record(value);
    }

    /// <summary>
    /// Writes HELP, TYPE and the samples. With <paramref name="onlyGeneration"/>, series an observable
    /// instrument did not report in that scrape (a removed destination, say) are dropped instead.
    /// </summary>
    public void Write(StringBuilder builder, long? onlyGeneration)
    {
        lock (_addLock)
        {
            if (onlyGeneration is { } current)
            {
                RemoveStale(current);
            }

            if (_byLabels.Count == 0)
            {
                return;
            }

            builder.Append("# HELP ").Append(Name).Append(' ');
            PrometheusText.AppendHelp(builder, Help);
            builder.Append("\n# TYPE ").Append(Name).Append(' ').Append(Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Gauge => "gauge",
                _ => "histogram",
            }).Append('\n');
            foreach (var series in _byLabels.Values)
            {
                series.Write(builder, Name);
            }
        }
    }

    private Series? Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = TagSetComparer.Instance.Create(tags);
        var labels = FormatLabels(key.Tags);
        lock (_addLock)
        {
            if (!_byLabels.TryGetValue(labels, out var series))
            {
                if (_byLabels.Count >= _maxSeries)
                {
                    return null;
                }

                series = Kind == MetricKind.Histogram ? new HistogramSeries(labels, _bounds, _boundLabels) : new ScalarSeries(labels, _replaces);
                _byLabels.Add(labels, series);
            }

            return _byTags.GetOrAdd(key, series);
        }
    }

    private void RemoveStale(long current)
    {
        List<string>? stale = null;
        foreach (var (labels, series) in _byLabels)
        {
            if (series.Generation != current)
            {
                (stale ??= []).Add(labels);
            }
        }

        if (stale is null)
        {
            return;
        }

        foreach (var labels in stale)
        {
            _byLabels.Remove(labels);
        }

        foreach (var (tags, series) in _byTags)
        {
            if (series.Generation != current)
            {
                _byTags.TryRemove(tags, out _);
            }
        }
    }

    private static string FormatLabels(KeyValuePair<string, object?>[] tags)
    {
        // Sorted by name, so the same tags in another order give the same label text.
        var builder = new StringBuilder();
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(PrometheusText.LabelName(key)).Append("=\"");
            PrometheusText.AppendLabelValue(builder, PrometheusText.FormatTagValue(value));
            builder.Append('"');
        }

        return builder.ToString();
    }
}
