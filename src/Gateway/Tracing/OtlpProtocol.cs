namespace Gateway.Tracing;

/// <summary>The OTLP transport for exported spans.</summary>
public enum OtlpProtocol
{
    /// <summary>OTLP/HTTP with protobuf bodies, to <c>{OtlpEndpoint}/v1/traces</c>.</summary>
    HttpProtobuf,

    /// <summary>OTLP/gRPC.</summary>
    Grpc,
}
