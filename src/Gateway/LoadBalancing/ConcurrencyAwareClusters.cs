using Gateway.Fleet;
using Yarp.ReverseProxy;

namespace Gateway.LoadBalancing;

/// <summary>The clusters balanced by <c>ConcurrencyAware</c>: the ones whose gates queue through the fleet.</summary>
internal sealed class ConcurrencyAwareClusters(IProxyStateLookup proxy) : IFleetClusters
{
    public IReadOnlyList<string> ClusterIds() =>
        proxy.GetClusters()
            .Where(c => string.Equals(c.Model.Config.LoadBalancingPolicy, GatewayPolicies.ConcurrencyAware, StringComparison.OrdinalIgnoreCase))
            .Select(c => c.ClusterId)
            .ToArray();
}
