namespace Gateway.LoadTests.Failover;

/// <summary>One request of a failover run, as the client saw it.</summary>
/// <param name="SentAt">Its scheduled send time, from the start of the run.</param>
/// <param name="LatencyMs">From the scheduled send time to the end of the body, or to the failure.</param>
/// <param name="Status">The HTTP status; 0 when no response arrived.</param>
/// <param name="Service">The <c>service</c> in the upstream's JSON body (which upstream answered); null when there was none.</param>
/// <param name="Error">Null when a response arrived; otherwise the transport failure, e.g. <c>connection_reset</c>.</param>
internal sealed record FailoverRequest(TimeSpan SentAt, double LatencyMs, int Status, string? Service, string? Error)
{
    /// <summary>A 2xx response.</summary>
    public bool IsOk => Error is null && Status is >= 200 and < 300;

    /// <summary>How it failed, for the breakdown: the status code, or the transport error.</summary>
    public string Outcome => Error ?? Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
