namespace Gateway.Qdelay;

/// <summary>Adds the qdelay step to the proxy pipeline.</summary>
internal static class QdelayPipelineExtensions
{
    public static IReverseProxyApplicationBuilder UseGatewayQdelay(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.UseMiddleware<QdelayMiddleware>();
        return pipeline;
    }
}
