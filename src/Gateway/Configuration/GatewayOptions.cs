using Gateway.Fleet;

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
        [typeof(HealthOptions).FullName!] = SectionName + ":Health",
        [typeof(RetryOptions).FullName!] = SectionName + ":Retry",
        [typeof(UpstreamOptions).FullName!] = SectionName + ":Upstream",
        [typeof(TimingOptions).FullName!] = SectionName + ":Timing",
        [typeof(MetricsOptions).FullName!] = SectionName + ":Metrics",
        [typeof(AuthenticationOptions).FullName!] = SectionName + ":Authentication",
        [typeof(ApiKeyOptions).FullName!] = SectionName + ":Authentication:ApiKeys",
        [typeof(QdelayOptions).FullName!] = SectionName + ":Qdelay",
        [typeof(TracingOptions).FullName!] = SectionName + ":Tracing",
        [typeof(AdmissionOptions).FullName!] = SectionName + ":Admission",
        [typeof(AdmissionRedisOptions).FullName!] = SectionName + ":Admission:Redis",
        [typeof(FleetOptions).FullName!] = SectionName + ":Fleet",

        // Dictionary entries: '*' stands for the entry's name.
        [typeof(TenantLimitOptions).FullName!] = SectionName + ":Admission:Tiers:*",
        [typeof(TenantOptions).FullName!] = SectionName + ":Admission:Tenants:*",
        [typeof(PriorityClassOptions).FullName!] = SectionName + ":Admission:Classes:*",
    };

    /// <summary>The gateway-side queue used by the <c>ConcurrencyAware</c> policy.</summary>
    public QueueOptions Queue { get; set; } = new();

    /// <summary>Balancing settings shared by <c>LeastOutstanding</c> and <c>ConcurrencyAware</c>.</summary>
    public LoadBalancingOptions LoadBalancing { get; set; } = new();

    /// <summary>Passive health: ejecting failing destinations, and holding back from overloaded ones.</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>Retrying failed requests on another destination.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Connect and activity timeouts towards upstreams.</summary>
    public UpstreamOptions Upstream { get; set; } = new();

    /// <summary>Per-request timing and its reporting.</summary>
    public TimingOptions Timing { get; set; } = new();

    /// <summary>The Prometheus scrape endpoint.</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>JWT bearer tokens: signing keys, issuer, audience, and the tenant claim.</summary>
    public AuthenticationOptions Authentication { get; set; } = new();

    /// <summary>The qdelay developer tool: where the delay comes from and its maximum.</summary>
    public QdelayOptions Qdelay { get; set; } = new();

    /// <summary>Span export over OTLP.</summary>
    public TracingOptions Tracing { get; set; } = new();

    /// <summary>Per-tenant limits on enqueue routes.</summary>
    public AdmissionOptions Admission { get; set; } = new();

    /// <summary>Several replicas acting as one pooled queue through a shared redis-server.</summary>
    public FleetOptions Fleet { get; set; } = new();
}
