namespace Gateway.LoadBalancing;

/// <summary>
/// The <c>Gateway:Retry</c> section: sending a failed request again, on another destination, for clusters balanced
/// by <c>LeastOutstanding</c> and <c>ConcurrencyAware</c>.
/// </summary>
public sealed class RetryOptions
{
    public const string SectionName = "Gateway:Retry";

    /// <summary>
    /// Retries after a connection failure (refused, reset or timed out before the request was written), each on a
    /// destination not yet tried. Safe for any request: the upstream never saw it. Default 2; 0 turns retries off.
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// Methods also retried when the upstream closed or reset the connection after the request was sent and before
    /// any response, provided the request has no body. Only list methods your upstreams treat as idempotent.
    /// Empty by default. Timeouts are never retried: a hung upstream would cost the timeout twice.
    /// </summary>
    public List<string> IdempotentMethods { get; set; } = [];
}
