namespace Gateway.Simulator.Policies;

/// <summary>The policies the simulator compares.</summary>
internal enum BalancingPolicy
{
    /// <summary>No balancer: each request goes straight to a uniformly random upstream.</summary>
    RandomDirect,

    /// <summary>Stock YARP: a round-robin counter per replica.</summary>
    RoundRobin,

    /// <summary>Stock YARP: two distinct random upstreams, the one with fewer of this replica's requests in flight.</summary>
    PowerOfTwoChoices,

    /// <summary>Stock YARP: fewest of this replica's requests in flight, the first in list order on ties.</summary>
    LeastRequests,

    /// <summary>The gateway's: fewest of this replica's requests in flight, ties at random.</summary>
    LeastOutstanding,

    /// <summary>The gateway's: per-destination limits with load reports, and a FIFO queue at each replica.</summary>
    ConcurrencyAware,

    /// <summary>
    /// The gateway's fleet mode (<c>Gateway:Fleet</c>): every replica shares one gate through Redis, so counts are exact
    /// and one FIFO queue spans the fleet. Each acquire, release and grant crosses the Redis round trip.
    /// </summary>
    Fleet,

    /// <summary>HAProxy <c>balance leastconn</c> with <c>maxconn c</c> per server and a backend queue per replica.</summary>
    HAProxyLeastConn,
}
