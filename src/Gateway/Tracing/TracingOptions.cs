namespace Gateway.Tracing;

/// <summary>
/// The <c>Gateway:Tracing</c> section. W3C trace context and baggage always pass through; spans are exported
/// over OTLP only when <see cref="OtlpEndpoint"/> is set.
/// </summary>
public sealed class TracingOptions
{
    public const string SectionName = "Gateway:Tracing";

    /// <summary>
    /// The collector's base address, e.g. <c>http://localhost:4318</c> for OTLP/HTTP (the gateway adds
    /// <c>/v1/traces</c>) or <c>http://localhost:4317</c> for gRPC. Default none: nothing is exported.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>HttpProtobuf</c> (default) or <c>Grpc</c>.</summary>
    public OtlpProtocol OtlpProtocol { get; set; } = OtlpProtocol.HttpProtobuf;

    /// <summary>
    /// Share of new traces recorded, 0 to 1. A caller's sampled flag always wins (parent-based sampling). Default 1.
    /// </summary>
    public double SampleRatio { get; set; } = 1.0;

    /// <summary>The exported <c>service.name</c>. Default <c>gateway</c>.</summary>
    public string ServiceName { get; set; } = "gateway";
}
