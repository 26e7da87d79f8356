namespace Gateway.UpstreamFeedback;

/// <summary>
/// The record of one proxied request that every pipeline step writes and the access log reads: its timing as it moves
/// through the pipeline, what the upstream reported, and how the gate's attempts ended. Timestamps come from the
/// injected <see cref="TimeProvider"/>; zero means "did not happen".
/// </summary>
internal sealed class GatewayRequestFeature
{
    public long Started { get; init; }

    /// <summary>Time spent in the gateway's queue waiting for a destination slot.</summary>
    public TimeSpan QueueWait { get; set; }

    public long UpstreamSent { get; set; }

    /// <summary>The upstream's own processing time (<c>Server-Timing: app;dur=</c>), when it reported a valid one.</summary>
    public TimeSpan? AppDuration { get; set; }

    /// <summary>Round trip minus reported time, never below zero; null without both.</summary>
    public TimeSpan? UpstreamLocalQueue { get; set; }

    public TimeSpan? UpstreamRoundTrip { get; set; }

    /// <summary>The concurrency gate's lease on the destination, when the gate took one.</summary>
    public IDestinationLease? Lease { get; set; }

    /// <summary>The upstream's load report on this response, when it sent a valid one.</summary>
    public LoadReport? LoadReport { get; set; }

    /// <summary>How many times the request was sent again to another destination.</summary>
    public int Retries { get; set; }

    /// <summary>The last attempt's failure at its destination, if it failed.</summary>
    public UpstreamFailureKind Failure { get; set; }

    /// <summary>Destinations tried before the last one, in order; null when the first attempt was the only one.</summary>
    public List<string>? FailedDestinations { get; set; }

    /// <summary>Why the gateway answered itself, when it did (a problem's <c>reason</c>).</summary>
    public string? Rejection { get; set; }
}
