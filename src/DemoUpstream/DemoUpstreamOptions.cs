namespace DemoUpstream;

/// <summary>Settings from the <c>DemoUpstream</c> configuration section.</summary>
public sealed class DemoUpstreamOptions
{
    public const string SectionName = "DemoUpstream";

    /// <summary>Worker slots; requests beyond them wait in an unbounded local FIFO. Default 12.</summary>
    public int Slots { get; set; } = 12;

    /// <summary>Service-time spec, e.g. <c>exp:mean=20ms</c>. Default <c>exp:mean=20ms</c>.</summary>
    public string ServiceTime { get; set; } = "exp:mean=20ms";

    /// <summary>This service's name: reported in responses and used for per-service qdelay overrides. Default <c>demo</c>.</summary>
    public string ServiceName { get; set; } = "demo";

    /// <summary>
    /// Answer every Nth request on a connection with <c>Connection: close</c>, so clients reconnect, as app
    /// servers with a keep-alive request limit do. 0 (the default) keeps connections open.
    /// </summary>
    public int CloseConnectionEvery { get; set; }

    /// <summary>
    /// Export request and job spans over OTLP/HTTP to this collector (e.g. <c>http://localhost:4318</c>; <c>/v1/traces</c>
    /// is added). Unset (the default) exports nothing; the spans still exist and job documents report their ids.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Seed for service-time sampling; unset means a random seed.</summary>
    public int? Seed { get; set; }
}
