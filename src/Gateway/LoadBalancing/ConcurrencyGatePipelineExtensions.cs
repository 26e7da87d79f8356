namespace Gateway.LoadBalancing;

/// <summary>Adds the concurrency gate to the proxy pipeline, before YARP's own load balancing.</summary>
internal static class ConcurrencyGatePipelineExtensions
{
    public static IReverseProxyApplicationBuilder UseGatewayConcurrencyGate(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.UseMiddleware<ConcurrencyGateMiddleware>();
        return pipeline;
    }
}
