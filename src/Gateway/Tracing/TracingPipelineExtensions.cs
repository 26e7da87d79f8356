namespace Gateway.Tracing;

/// <summary>Adds the baggage step to the proxy pipeline.</summary>
internal static class TracingPipelineExtensions
{
    public static IReverseProxyApplicationBuilder UseGatewayBaggage(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.UseMiddleware<BaggageMiddleware>();
        return pipeline;
    }
}
