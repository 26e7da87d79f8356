using System.Globalization;

namespace Gateway.LoadBalancing;

/// <summary>YARP route, cluster and destination metadata keys the gateway reads.</summary>
internal static class GatewayMetadata
{
    /// <summary>Cluster or destination: most requests this gateway keeps in flight at one destination.</summary>
    public const string ConcurrencyLimit = "Gateway.ConcurrencyLimit";

    /// <summary>Cluster: overrides <c>Gateway:Queue:MaxLength</c>.</summary>
    public const string QueueLength = "Gateway.QueueLength";

    /// <summary>Cluster: overrides <c>Gateway:Queue:Timeout</c> (a TimeSpan such as 00:00:05).</summary>
    public const string QueueTimeout = "Gateway.QueueTimeout";

    /// <summary>Cluster: how many destinations each tenant's shard holds under <c>ShuffleShard</c> (default 2).</summary>
    public const string ShardSize = "Gateway.ShardSize";

    /// <summary>Route: <c>true</c> marks an enqueue route, where per-tenant admission applies.</summary>
    public const string Enqueue = "Gateway.Enqueue";

    /// <summary>Route: the priority class of its enqueue requests, unless the class header names one.</summary>
    public const string PriorityClass = "Gateway.PriorityClass";

    public static bool IsEnqueueRoute(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(Enqueue, out var value) && bool.TryParse(value, out var on) && on;

    /// <summary>What is wrong with the gateway's keys in one route's metadata, as (key, problem) pairs.</summary>
    public static IEnumerable<(string Key, string Problem)> RouteProblems(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is not null && metadata.TryGetValue(Enqueue, out var value) && !bool.TryParse(value, out _))
        {
            yield return (Enqueue, $"must be true or false, got '{value}'");
        }
    }

    /// <summary>
    /// What is wrong with the gateway's keys in one cluster's or destination's metadata, as (key, problem) pairs.
    /// Start-up validation and live reloads both report these.
    /// </summary>
    public static IEnumerable<(string Key, string Problem)> Problems(IReadOnlyDictionary<string, string>? metadata, bool isCluster)
    {
        if (metadata is null)
        {
            yield break;
        }

        if (metadata.TryGetValue(ConcurrencyLimit, out var limit) && ReadPositiveInt(metadata, ConcurrencyLimit) is null)
        {
            yield return (ConcurrencyLimit, $"must be an integer of at least 1, got '{limit}'");
        }

        if (!isCluster)
        {
            yield break;
        }

        if (metadata.TryGetValue(QueueLength, out var length) && ReadNonNegativeInt(metadata, QueueLength) is null)
        {
            yield return (QueueLength, $"must be an integer of at least 0, got '{length}'");
        }

        if (metadata.TryGetValue(QueueTimeout, out var timeout) && ReadTimeSpan(metadata, QueueTimeout) is not { Ticks: > 0 })
        {
            yield return (QueueTimeout, $"must be a positive TimeSpan such as 00:00:05, got '{timeout}'");
        }

        if (metadata.TryGetValue(ShardSize, out var shardSize) && ReadPositiveInt(metadata, ShardSize) is null)
        {
            yield return (ShardSize, $"must be an integer of at least 1, got '{shardSize}'");
        }
    }

    public static int? ReadPositiveInt(IReadOnlyDictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : null;

    public static int? ReadNonNegativeInt(IReadOnlyDictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : null;

    public static TimeSpan? ReadTimeSpan(IReadOnlyDictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var text)
            && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.Zero
            ? value
            : null;
}
