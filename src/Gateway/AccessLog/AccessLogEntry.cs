namespace Gateway.AccessLog;

/// <summary>What the access log records about one proxied request. Times in milliseconds; null when it did not happen.</summary>
internal readonly record struct AccessLogEntry(
    string Method,
    string Path,
    string Route,
    string Cluster,
    string Destination,
    int Status,
    double TotalMs,
    double QueueMs,
    double? UpstreamMs,
    double? AppMs,
    double? UlqMs,
    string Outcome,
    int Retries = 0);
