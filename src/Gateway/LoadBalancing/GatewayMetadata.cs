using System.Globalization;

namespace Gateway.LoadBalancing;

/// <summary>YARP cluster and destination metadata keys the gateway reads.</summary>
internal static class GatewayMetadata
{
    /// <summary>Cluster or destination: most requests this gateway keeps in flight at one destination.</summary>
    public const string ConcurrencyLimit = "Gateway.ConcurrencyLimit";

    /// <summary>Cluster: overrides <c>Gateway:Queue:MaxLength</c>.</summary>
    public const string QueueLength = "Gateway.QueueLength";

    /// <summary>Cluster: overrides <c>Gateway:Queue:Timeout</c> (a TimeSpan such as 00:00:05).</summary>
    public const string QueueTimeout = "Gateway.QueueTimeout";

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
