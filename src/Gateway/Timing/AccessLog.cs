namespace Gateway.Timing;

/// <summary>One structured line per proxied request, under the <c>Gateway.AccessLog</c> category.</summary>
internal static partial class AccessLog
{
    public const string Category = "Gateway.AccessLog";

    [LoggerMessage(
        EventId = 1,
        EventName = "Request",
        Level = LogLevel.Information,
        Message = "{Method} {Path} route={Route} cluster={Cluster} destination={Destination} status={Status} total_ms={TotalMs} "
            + "queue_ms={QueueMs} upstream_ms={UpstreamMs} app_ms={AppMs} ulq_ms={UlqMs} outcome={Outcome}")]
    public static partial void Request(
        ILogger logger,
        string method,
        string path,
        string route,
        string cluster,
        string destination,
        int status,
        double totalMs,
        double queueMs,
        double? upstreamMs,
        double? appMs,
        double? ulqMs,
        string outcome);
}
