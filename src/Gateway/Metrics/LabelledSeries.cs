using System.Collections.Concurrent;

namespace Gateway.Metrics;

/// <summary>
/// The series of one labelled metric, found by a typed key (a tuple of the label values) instead of a label array:
/// the hot path looks a child up without allocating, and new children stop at the <see cref="SeriesLimit"/>.
/// </summary>
internal sealed class LabelledSeries<TKey, TChild>(SeriesLimit limit, Func<TKey, TChild> create)
    where TKey : notnull
    where TChild : class
{
    private readonly ConcurrentDictionary<TKey, TChild> _children = new();
    private readonly Lock _lock = new();

    /// <summary>The child for <paramref name="key"/>, created on first use; null once the metric is at its limit, or while metrics are off.</summary>
    public TChild? this[TKey key] => !limit.Recording ? null : _children.TryGetValue(key, out var child) ? child : Add(key);

    private TChild? Add(TKey key)
    {
        lock (_lock)
        {
            if (_children.TryGetValue(key, out var child))
            {
                return child;
            }

            if (_children.Count >= limit.Max)
            {
                limit.Drop();
                return null;
            }

            child = create(key);
            _children[key] = child;
            return child;
        }
    }
}
