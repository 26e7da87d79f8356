namespace Gateway.Configuration;

/// <summary>The <c>Gateway</c> configuration section. Every value has a documented default.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Each options class's configuration path, for error messages that name keys.</summary>
    internal static readonly IReadOnlyDictionary<string, string> SectionPaths = new Dictionary<string, string>
    {
        [typeof(GatewayOptions).FullName!] = SectionName,
        [typeof(QueueOptions).FullName!] = SectionName + ":Queue",
        [typeof(LoadBalancingOptions).FullName!] = SectionName + ":LoadBalancing",
        [typeof(TimingOptions).FullName!] = SectionName + ":Timing",
    };

    /// <summary>The gateway-side queue used by the <c>ConcurrencyAware</c> policy.</summary>
    public QueueOptions Queue { get; set; } = new();

    /// <summary>Balancing settings shared by <c>LeastOutstanding</c> and <c>ConcurrencyAware</c>.</summary>
    public LoadBalancingOptions LoadBalancing { get; set; } = new();

    /// <summary>Per-request timing and its reporting.</summary>
    public TimingOptions Timing { get; set; } = new();
}

/// <summary>The <c>Gateway:Queue</c> section. Cluster metadata can override each value per cluster.</summary>
public sealed class QueueOptions
{
    /// <summary>Most requests waiting per cluster; beyond it requests get 503 <c>queue_full</c>. 0 disables queueing. Default 1000.</summary>
    public int MaxLength { get; set; } = 1000;

    /// <summary>Longest a request waits for a slot before 503 <c>queue_timeout</c>. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>Retry-After</c> sent with queue rejections, in whole seconds. Default 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}

/// <summary>The <c>Gateway:LoadBalancing</c> section.</summary>
public sealed class LoadBalancingOptions
{
    /// <summary>
    /// Concurrency limit for destinations whose metadata sets none and whose upstream has not reported one.
    /// Unset (the default) means no limit until the upstream reports its own.
    /// </summary>
    public int? DefaultConcurrencyLimit { get; set; }

    /// <summary>
    /// Count other callers' work (other gateway replicas), estimated from each upstream's reported in-flight
    /// requests minus this gateway's own, against the destination's limit. Turn off only when this gateway is
    /// an upstream's sole caller or its reports cannot be trusted. Default on.
    /// </summary>
    public bool UseReportedInFlight { get; set; } = true;

    /// <summary>
    /// The longest an estimate of other callers' work stays fresh; it is also never fresh for longer than the
    /// destination's smoothed round trip. A destination that is full by a stale estimate, and has none of this
    /// gateway's requests in flight, gets one probe request to refresh it. Default 250 ms.
    /// </summary>
    public TimeSpan LoadReportTtl { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// When a request stops counting against its destination's concurrency limit. <c>ResponseHeaders</c> (the
    /// default) frees the slot as soon as the upstream's response headers arrive: an API server's worker is
    /// free once it has produced its response, and waiting for the body to be relayed would leave the slot idle
    /// for that long. Use <c>ResponseEnd</c> for upstreams that stream long or large bodies from the worker.
    /// </summary>
    public SlotRelease ReleaseOn { get; set; } = SlotRelease.ResponseHeaders;

    /// <summary>Seed for random tie-breaking; unset means a random seed.</summary>
    public int? Seed { get; set; }
}

/// <summary>The <c>Gateway:Timing</c> section.</summary>
public sealed class TimingOptions
{
    /// <summary>
    /// Append the gateway's own figures (<c>gateway</c>, <c>queue</c>, <c>upstream</c>, <c>ulq</c>) to the
    /// <c>Server-Timing</c> response header. Useful in development and load tests; it tells clients about
    /// upstream internals, so the default is off.
    /// </summary>
    public bool ServerTimingHeader { get; set; }

    /// <summary>Write one structured access-log line per proxied request. Default on.</summary>
    public bool AccessLog { get; set; } = true;
}

/// <summary>When a request stops counting against its destination's concurrency limit.</summary>
public enum SlotRelease
{
    /// <summary>When the upstream's response headers arrive.</summary>
    ResponseHeaders,

    /// <summary>When forwarding ends: the whole response relayed, or the request failed.</summary>
    ResponseEnd,
}
