namespace Gateway.Tests.Integration;

/// <summary>One request's outcome as the client saw it, plus the figures the servers reported.</summary>
internal sealed record LoadSample(
    int Status,
    double LatencyMs,
    double? DemoQueueMs,
    double? AppMs,
    double? GatewayQueueMs,
    double? UlqEstimateMs,
    string? Body);
