using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// Fewest requests in flight from this gateway, ties broken at random. The pick and the count are
/// one atomic step in <see cref="ConcurrencyGateMiddleware"/>, which narrows the request to the chosen
/// destination before YARP's balancer runs; this class registers the name and ranks the same way
/// if it is ever called outside that gate.
/// </summary>
internal sealed class LeastOutstandingPolicy(ClusterGateRegistry gates) : ILoadBalancingPolicy
{
    public string Name => GatewayPolicies.LeastOutstanding;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        gates.Get(cluster.ClusterId).PeekLeastOutstanding(cluster.Model, availableDestinations);
}
