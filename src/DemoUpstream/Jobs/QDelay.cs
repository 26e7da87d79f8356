using System.Globalization;

namespace DemoUpstream.Jobs;

/// <summary>
/// The qdelay developer tool's settings for this service, read from W3C baggage: <c>qdelay.ms</c> (base delay),
/// <c>qdelay.jitter_ms</c> (uniform extra in [0, jitter]) and <c>qdelay.svc.&lt;service&gt;</c> (replaces the base
/// for that service only). Values must be whole milliseconds from 0 to <see cref="MaxMs"/>; others are ignored and
/// listed in <see cref="Invalid"/>. DemoUpstream trusts these entries because the gateway strips untrusted copies.
/// </summary>
internal sealed record QDelay
{
    public const string BaseKey = "qdelay.ms";
    public const string JitterKey = "qdelay.jitter_ms";
    public const string ServicePrefix = "qdelay.svc.";
    public const long MaxMs = 900_000;

    /// <summary>No qdelay at all.</summary>
    public static readonly QDelay None = new();

    public long? BaseMs { get; init; }

    public long? JitterMs { get; init; }

    /// <summary>This service's override, from <c>qdelay.svc.&lt;this service&gt;</c>.</summary>
    public long? ServiceMs { get; init; }

    /// <summary>
    /// The kind of each ignored entry (<c>ms</c>, <c>jitter_ms</c> or <c>svc</c>). Only entries that would apply here
    /// count: an override for another service is that service's business.
    /// </summary>
    public IReadOnlyList<string> Invalid { get; init; } = [];

    /// <summary>Reads the entries for <paramref name="serviceName"/>; when a key repeats, its first entry wins.</summary>
    public static QDelay Parse(IEnumerable<KeyValuePair<string, string?>> baggage, string serviceName)
    {
        long? baseMs = null, jitterMs = null, serviceMs = null;
        bool seenBase = false, seenJitter = false, seenService = false;
        List<string>? invalid = null;
        var serviceKey = ServicePrefix + serviceName;
        foreach (var (key, value) in baggage)
        {
            if (key == BaseKey && !seenBase)
            {
                seenBase = true;
                baseMs = Read(value, "ms", ref invalid);
            }
            else if (key == JitterKey && !seenJitter)
            {
                seenJitter = true;
                jitterMs = Read(value, "jitter_ms", ref invalid);
            }
            else if (key == serviceKey && !seenService)
            {
                seenService = true;
                serviceMs = Read(value, "svc", ref invalid);
            }
        }

        return baseMs is null && jitterMs is null && serviceMs is null && invalid is null
            ? None
            : new QDelay { BaseMs = baseMs, JitterMs = jitterMs, ServiceMs = serviceMs, Invalid = invalid ?? [] };
    }

    /// <summary>The delay for one job: the override if present, else the base, else 0; plus uniform jitter in [0, jitter].</summary>
    public TimeSpan Sample(JitterSource random)
    {
        var ms = ServiceMs ?? BaseMs ?? 0;
        if (JitterMs is > 0 and var jitter)
        {
            ms += random.NextInclusive(jitter);
        }

        return TimeSpan.FromMilliseconds(ms);
    }

    private static long? Read(string? value, string kind, ref List<string>? invalid)
    {
        // Digits only: no sign, spaces, fractions or exponents.
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= MaxMs)
        {
            return ms;
        }

        (invalid ??= []).Add(kind);
        return null;
    }
}
