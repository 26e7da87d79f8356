namespace Gateway.Qdelay;

/// <summary>
/// The <c>Gateway:Qdelay</c> section: the developer tool that delays every background job a request causes.
/// The delay comes from a validated token's claim and travels upstream as <c>qdelay.*</c> baggage entries.
/// </summary>
public sealed class QdelayOptions
{
    public const string SectionName = "Gateway:Qdelay";

    /// <summary>The JWT claim holding the delay: milliseconds, or <c>{ "ms", "jitter_ms", "services" }</c>. Default <c>qdelay</c>.</summary>
    public string Claim { get; set; } = "qdelay";

    /// <summary>
    /// The largest delay, jitter included, in milliseconds. Default 900000 (15 minutes, the most SQS
    /// <c>DelaySeconds</c> accepts).
    /// </summary>
    public int MaxMs { get; set; } = 900_000;

    /// <summary>What a delay above <see cref="MaxMs"/> gets: <c>Reject</c> (400, the default) or <c>Clamp</c>.</summary>
    public QdelayAboveMax AboveMax { get; set; } = QdelayAboveMax.Reject;

    /// <summary>
    /// Accept an <c>X-Qdelay</c> header (same syntax as the claim) from a caller without a token. Only allowed
    /// in the Development environment; start-up fails if it is set elsewhere. Default off.
    /// </summary>
    public bool AllowDevelopmentHeader { get; set; }
}
