namespace Gateway.AccessLog;

/// <summary>Where the access log goes (<c>Gateway:Timing:AccessLogOutput</c>).</summary>
public enum AccessLogOutput
{
    /// <summary>
    /// Standard output, one plain-text line per request, written in batches by a background writer: the request
    /// only formats its line. The fast choice, and the default.
    /// </summary>
    Stdout,

    /// <summary>
    /// The logging pipeline, category <c>Gateway.AccessLog</c> at Information level, with structured fields. Use it
    /// when access lines must reach a log provider; it costs several times more CPU per request than <see cref="Stdout"/>.
    /// </summary>
    Logger,
}
