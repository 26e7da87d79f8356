namespace Gateway.AccessLog;

/// <summary>The <c>Gateway:Timing</c> section.</summary>
public sealed class TimingOptions
{
    public const string SectionName = "Gateway:Timing";

    /// <summary>
    /// Append the gateway's own figures (<c>gateway</c>, <c>queue</c>, <c>upstream</c>, <c>ulq</c>) to the
    /// <c>Server-Timing</c> response header. Useful in development and load tests; it tells clients about
    /// upstream internals, so the default is off.
    /// </summary>
    public bool ServerTimingHeader { get; set; }

    /// <summary>Write one access-log line per proxied request. Default on.</summary>
    public bool AccessLog { get; set; } = true;

    /// <summary>Where access-log lines go: batched to standard output (default) or through the logging pipeline.</summary>
    public AccessLogOutput AccessLogOutput { get; set; } = AccessLogOutput.Stdout;
}
