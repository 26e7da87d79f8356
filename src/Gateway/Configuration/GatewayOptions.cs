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
        [typeof(MetricsOptions).FullName!] = SectionName + ":Metrics",
    };

    /// <summary>The gateway-side queue used by the <c>ConcurrencyAware</c> policy.</summary>
    public QueueOptions Queue { get; set; } = new();

    /// <summary>Balancing settings shared by <c>LeastOutstanding</c> and <c>ConcurrencyAware</c>.</summary>
    public LoadBalancingOptions LoadBalancing { get; set; } = new();

    /// <summary>Per-request timing and its reporting.</summary>
    public TimingOptions Timing { get; set; } = new();

    /// <summary>The Prometheus scrape endpoint.</summary>
    public MetricsOptions Metrics { get; set; } = new();
}
