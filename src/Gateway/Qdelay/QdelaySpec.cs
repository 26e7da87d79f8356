using System.Globalization;

namespace Gateway.Qdelay;

/// <summary>
/// A normalised qdelay: the base delay, the jitter added on top (uniform in [0, jitter]), and per-service
/// delays that replace the base for the named service. All in whole milliseconds.
/// </summary>
internal sealed record QdelaySpec
{
    public const string BaggagePrefix = "qdelay.";

    public int Ms { get; init; }

    public int JitterMs { get; init; }

    public IReadOnlyDictionary<string, int> Services { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// The baggage members upstreams read: <c>qdelay.ms</c>, <c>qdelay.jitter_ms</c> (when not 0) and
    /// <c>qdelay.svc.&lt;service&gt;</c>, in service-name order so the header is stable.
    /// </summary>
    public IReadOnlyList<string> ToBaggageMembers()
    {
        var members = new List<string>(2 + Services.Count) { Member("ms", Ms) };
        if (JitterMs > 0)
        {
            members.Add(Member("jitter_ms", JitterMs));
        }

        foreach (var (service, ms) in Services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            members.Add(Member("svc." + service, ms));
        }

        return members;
    }

    private static string Member(string name, int ms) => string.Create(CultureInfo.InvariantCulture, $"{BaggagePrefix}{name}={ms}");
}
