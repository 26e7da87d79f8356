namespace Gateway.Metrics;

/// <summary>The <c>Gateway:Metrics</c> section: the Prometheus scrape endpoint.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Gateway:Metrics";

    /// <summary>Serve <see cref="Path"/>. Default on.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where the Prometheus text exposition is served, on the gateway's listeners. It takes precedence
    /// over a proxied route with the same path. Default <c>/metrics</c>.
    /// </summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// Meters exposed besides the gateway's own (<c>Gateway</c>), the runtime's (<c>System.Runtime</c>) and
    /// Kestrel's. Default none. <c>System.Net.Http</c> (HttpClient towards upstreams) is the usual addition; it is
    /// off by default because it costs about 5% of throughput.
    /// </summary>
    public IList<string> AdditionalMeters { get; set; } = [];

    /// <summary>Series kept per metric; past it new label combinations are dropped and counted. Default 10000.</summary>
    public int MaxSeriesPerMetric { get; set; } = 10_000;
}
