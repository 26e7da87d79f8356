namespace MetricsExposition;

/// <summary>
/// Compares tag sets, and a recorded tag span against a stored set without allocating, so the hot path
/// finds an existing series with no allocation.
/// </summary>
internal sealed class TagSetComparer
    : IEqualityComparer<TagSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
{
    public static readonly TagSetComparer Instance = new();

    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Order-independent: the same tags in another order are the same series.
        var hash = tags.Length;
        foreach (var (key, value) in tags)
        {
            hash += HashCode.Combine(key, value);
        }

        return hash;
    }

    public bool Equals(TagSet? x, TagSet? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Hash == y.Hash && Equals(x.Tags.AsSpan(), y));

    public int GetHashCode(TagSet obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagSet other)
    {
        if (alternate.Length != other.Tags.Length)
        {
            return false;
        }

        for (var i = 0; i < alternate.Length; i++)
        {
            // Tags usually arrive in the same order; look there first.
            var (key, value) = alternate[i];
            var stored = other.Tags;
            if (!(string.Equals(stored[i].Key, key, StringComparison.Ordinal) && object.Equals(stored[i].Value, value)) && !Contains(stored, key, value))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => HashOf(alternate);

    public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate.ToArray());

    private static bool Contains(KeyValuePair<string, object?>[] tags, string key, object? value)
    {
        foreach (var tag in tags)
        {
            if (string.Equals(tag.Key, key, StringComparison.Ordinal))
            {
                return object.Equals(tag.Value, value);
            }
        }

        return false;
    }
}
