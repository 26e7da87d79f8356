namespace Gateway.LoadBalancing;

/// <summary>Names of the gateway's balancing policies, as set in a cluster's <c>LoadBalancingPolicy</c>.</summary>
public static class GatewayPolicies
{
    /// <summary>Fewest requests in flight from this gateway; picking and counting are one atomic step.</summary>
    public const string LeastOutstanding = "LeastOutstanding";

    /// <summary>Per-destination concurrency limits with a FIFO queue at the gateway when every slot is taken.</summary>
    public const string ConcurrencyAware = "ConcurrencyAware";

    /// <summary>
    /// Each tenant hashes, stably, to <c>Gateway.ShardSize</c> of the cluster's destinations; the one with the least
    /// reported backlog (then fewest own requests in flight) takes the request.
    /// </summary>
    public const string ShuffleShard = "ShuffleShard";
}
