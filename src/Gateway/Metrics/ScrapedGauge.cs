using Prometheus;

namespace Gateway.Metrics;

/// <summary>
/// A gauge whose series are read from the gateway's state just before each scrape. A series missing from the
/// latest read (a destination removed, a limit no longer known) is removed, not left at its last value.
/// </summary>
internal sealed class ScrapedGauge(Gauge gauge)
{
    private readonly Lock _lock = new();
    private Dictionary<string, string[]> _published = new(StringComparer.Ordinal);

    public static ScrapedGauge Create(IMetricFactory factory, string name, string help, params string[] labels) =>
        new(factory.CreateGauge(name, help, labels));

    /// <summary>Called from the registry's before-collect callback; two scrapes at once take turns.</summary>
    public void Publish(IEnumerable<(string[] Labels, double Value)> values)
    {
        lock (_lock)
        {
            PublishLocked(values);
        }
    }

    private void PublishLocked(IEnumerable<(string[] Labels, double Value)> values)
    {
        var now = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (labels, value) in values)
        {
            gauge.WithLabels(labels).Set(value);
            now[string.Join('\u0000', labels)] = labels;
        }

        foreach (var (key, labels) in _published)
        {
            if (!now.ContainsKey(key))
            {
                gauge.RemoveLabelled(labels);
            }
        }

        _published = now;
    }
}
