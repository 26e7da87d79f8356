using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// Per-destination concurrency limits with a gateway-side queue. Waiting is asynchronous, which
/// <see cref="ILoadBalancingPolicy.PickDestination"/> cannot be, so the work happens in
/// <see cref="ConcurrencyGateMiddleware"/>; this class registers the name and ranks by own in-flight
/// requests if it is ever called outside that gate.
/// </summary>
internal sealed class ConcurrencyAwarePolicy(ClusterGateRegistry gates) : ILoadBalancingPolicy
{
    public string Name => GatewayPolicies.ConcurrencyAware;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations) =>
        gates.Get(cluster.ClusterId).PeekLeastOutstanding(cluster.Model, availableDestinations);
}
