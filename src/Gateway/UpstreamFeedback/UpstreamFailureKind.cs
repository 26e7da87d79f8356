namespace Gateway.UpstreamFeedback;

/// <summary>What went wrong with one attempt at a destination, as passive health and the error body see it.</summary>
internal enum UpstreamFailureKind
{
    /// <summary>No failure of the destination's: a response other than a counted server error, or the client left.</summary>
    None,

    /// <summary>The TCP connection was refused: nothing listens there.</summary>
    ConnectionRefused,

    /// <summary>The TCP connect did not finish within <c>Gateway:Upstream:ConnectTimeout</c>.</summary>
    ConnectTimeout,

    /// <summary>Any other failure to connect (unreachable, reset during connect).</summary>
    ConnectFailed,

    /// <summary>The connection was closed or reset after the request was sent, before a whole response.</summary>
    ConnectionReset,

    /// <summary>The upstream sent nothing for the activity timeout.</summary>
    Timeout,

    /// <summary>The upstream answered 500, 502 or 504 (counted when <c>Gateway:Health:CountServerErrors</c> is on).</summary>
    ServerError,
}
