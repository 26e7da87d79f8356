using Gateway.AccessLog;
using Gateway.Admission;
using Gateway.Admission.Redis;
using Gateway.Authentication;
using Gateway.Fleet;
using Gateway.Forwarding;
using Gateway.LoadBalancing;
using Gateway.Metrics;
using Gateway.Qdelay;
using Gateway.Tracing;

namespace Gateway.Configuration;

/// <summary>
/// The <c>Gateway</c> configuration section: one section per feature, each with its options class in the feature's
/// folder. Every value has a documented default.
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Each options class's configuration path, for error messages that name keys.</summary>
    internal static readonly IReadOnlyDictionary<string, string> SectionPaths = new Dictionary<string, string>
    {
        [typeof(GatewayOptions).FullName!] = SectionName,
        [typeof(QueueOptions).FullName!] = QueueOptions.SectionName,
        [typeof(LoadBalancingOptions).FullName!] = LoadBalancingOptions.SectionName,
        [typeof(HealthOptions).FullName!] = HealthOptions.SectionName,
        [typeof(RetryOptions).FullName!] = RetryOptions.SectionName,
        [typeof(UpstreamOptions).FullName!] = UpstreamOptions.SectionName,
        [typeof(TimingOptions).FullName!] = TimingOptions.SectionName,
        [typeof(MetricsOptions).FullName!] = MetricsOptions.SectionName,
        [typeof(AuthenticationOptions).FullName!] = AuthenticationOptions.SectionName,
        [typeof(ApiKeyOptions).FullName!] = AuthenticationOptions.SectionName + ":ApiKeys",
        [typeof(QdelayOptions).FullName!] = QdelayOptions.SectionName,
        [typeof(TracingOptions).FullName!] = TracingOptions.SectionName,
        [typeof(AdmissionOptions).FullName!] = AdmissionOptions.SectionName,
        [typeof(AdmissionRedisOptions).FullName!] = AdmissionRedisOptions.SectionName,
        [typeof(FleetOptions).FullName!] = FleetOptions.SectionName,

        // Dictionary entries: '*' stands for the entry's name.
        [typeof(TenantLimitOptions).FullName!] = AdmissionOptions.SectionName + ":Tiers:*",
        [typeof(TenantOptions).FullName!] = AdmissionOptions.SectionName + ":Tenants:*",
        [typeof(PriorityClassOptions).FullName!] = AdmissionOptions.SectionName + ":Classes:*",
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
