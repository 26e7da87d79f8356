namespace Gateway.LoadBalancing;

/// <summary>Names of the gateway's balancing policies, as set in a cluster's <c>LoadBalancingPolicy</c>.</summary>
public static class GatewayPolicies
{
    /// <summary>Fewest requests in flight from this gateway; picking and counting are one atomic step.</summary>
    public const string LeastOutstanding = "LeastOutstanding";

    /// <summary>Per-destination concurrency limits with a FIFO queue at the gateway when every slot is taken.</summary>
    public const string ConcurrencyAware = "ConcurrencyAware";
}
