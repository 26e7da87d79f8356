namespace MetricsExposition;

/// <summary>
/// A measurement's tags as they were recorded (values not yet formatted), the key of a metric's series
/// map. Equality ignores tag order; values compare with <see cref="object.Equals(object, object)"/>.
/// </summary>
internal sealed class TagSet(KeyValuePair<string, object?>[] tags)
{
    public KeyValuePair<string, object?>[] Tags { get; } = tags;

    public int Hash { get; } = TagSetComparer.HashOf(tags);
}
