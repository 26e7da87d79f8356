namespace Gateway.LoadTests.Failover;

/// <summary>One request of a failover run, as the client saw it.</summary>
/// <param name="SentAt">Its scheduled send time, from the start of the run.</param>
/// <param name="LatencyMs">From the scheduled send time to the end of the body, or to the failure.</param>
/// <param name="Status">The HTTP status; 0 when no response arrived.</param>
/// <param name="Service">The <c>service</c> in the upstream's JSON body (which upstream answered); null when there was none.</param>
/// <param name="Error">Null when a response arrived; otherwise the transport failure, e.g. <c>connection_reset</c>.</param>
/// <param name="Reason">
/// For an error response with an RFC 9457 body (the gateway's), its <c>failure</c> or else its <c>reason</c>, e.g.
/// <c>connection_reset</c> or <c>queue_timeout</c>; null otherwise.
/// </param>
internal sealed record FailoverRequest(TimeSpan SentAt, double LatencyMs, int Status, string? Service, string? Error, string? Reason = null)
{
    /// <summary>A 2xx response.</summary>
    public bool IsOk => Error is null && Status is >= 200 and < 300;

    /// <summary>How it failed, for the breakdown: the transport error, or the status code and any reason the body gave.</summary>
    public string Outcome => Error ?? (Reason is null
        ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Status} {Reason}"));
}
