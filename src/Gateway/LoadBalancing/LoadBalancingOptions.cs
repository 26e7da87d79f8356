namespace Gateway.LoadBalancing;

/// <summary>The <c>Gateway:LoadBalancing</c> section.</summary>
public sealed class LoadBalancingOptions
{
    public const string SectionName = "Gateway:LoadBalancing";

    /// <summary>
    /// Concurrency limit for destinations whose metadata sets none and whose upstream has not reported one.
    /// Unset (the default) means no limit until the upstream reports its own.
    /// </summary>
    public int? DefaultConcurrencyLimit { get; set; }

    /// <summary>
    /// Let other callers' work (other gateway replicas), estimated from each upstream's reported in-flight requests
    /// minus this gateway's own, break ties between destinations with as many of this gateway's own requests in
    /// flight. It never holds a request back: a report is a round trip old, and counting it against the limit idles
    /// slots the others have freed since. Default on.
    /// </summary>
    public bool UseReportedInFlight { get; set; } = true;

    /// <summary>
    /// Obsolete and ignored: it bounded how long an estimate of other callers' work held requests back, and estimates
    /// now only break ties. Still accepted (and validated) so existing configuration keeps starting.
    /// </summary>
    public TimeSpan LoadReportTtl { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a destination's reported backlog (<c>named_metrics.backlog</c>) counts for <c>ShuffleShard</c>; an
    /// older report counts as no backlog, so a destination that drained while no traffic reached it gets traffic
    /// again. Default 5 s.
    /// </summary>
    public TimeSpan BacklogReportTtl { get; set; } = TimeSpan.FromSeconds(5);

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
