namespace Gateway.LoadTests.Failover;

/// <summary>The proxies a <c>failover</c> run puts in front of the upstreams, one at a time.</summary>
internal enum FailoverProxy
{
    /// <summary>The gateway: ConcurrencyAware, active health checks, its own passive health and retries left at their defaults.</summary>
    Ours,

    /// <summary>HAProxy with the usual failover settings: leastconn, HTTP checks, retries with redispatch.</summary>
    HAProxy,

    /// <summary>Stock YARP: LeastRequests, active (ConsecutiveFailures) and passive (TransportFailureRate) health checks.</summary>
    Yarp,
}
