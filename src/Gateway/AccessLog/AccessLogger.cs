namespace Gateway.AccessLog;

/// <summary>
/// One structured line per proxied request, under the <c>Gateway.AccessLog</c> category (<c>AccessLogOutput=Logger</c>;
/// the default output is <see cref="AccessLogWriter"/>).
/// </summary>
internal static partial class AccessLogger
{
    public const string Category = "Gateway.AccessLog";

    public static void Request(ILogger logger, in AccessLogEntry e) => Request(
        logger, e.Method, e.Path, e.Route, e.Cluster, e.Destination, e.Status, e.TotalMs, e.QueueMs, e.UpstreamMs, e.AppMs, e.UlqMs, e.Outcome, e.Retries);

    [LoggerMessage(
        EventId = 1,
        EventName = "Request",
        Level = LogLevel.Information,
        Message = "{Method} {Path} route={Route} cluster={Cluster} destination={Destination} status={Status} total_ms={TotalMs} "
            + "queue_ms={QueueMs} upstream_ms={UpstreamMs} app_ms={AppMs} ulq_ms={UlqMs} outcome={Outcome} retries={Retries}")]
    private static partial void Request(
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
        string outcome,
        int retries);
}
