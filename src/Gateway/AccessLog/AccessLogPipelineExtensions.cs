namespace Gateway.AccessLog;

/// <summary>Adds the first proxy-pipeline step: the request's record and clock, and at its end the metrics and the access-log line.</summary>
internal static class AccessLogPipelineExtensions
{
    public static IReverseProxyApplicationBuilder UseGatewayAccessLog(this IReverseProxyApplicationBuilder pipeline)
    {
        pipeline.UseMiddleware<AccessLogMiddleware>();
        return pipeline;
    }
}
