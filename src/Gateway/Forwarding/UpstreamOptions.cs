namespace Gateway.Forwarding;

/// <summary>The <c>Gateway:Upstream</c> section: how long the gateway waits for upstreams.</summary>
public sealed class UpstreamOptions
{
    public const string SectionName = "Gateway:Upstream";

    /// <summary>
    /// The longest a TCP connect to an upstream may take before it counts as a connection failure (and is retried
    /// elsewhere). Default 5 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest an upstream may stay silent (no response headers, no body bytes) before the request is answered
    /// <c>504</c> and counted as the destination's failure. YARP's per-cluster <c>HttpRequest:ActivityTimeout</c>
    /// overrides it. Default 30 s (YARP's own default is 100 s).
    /// </summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
