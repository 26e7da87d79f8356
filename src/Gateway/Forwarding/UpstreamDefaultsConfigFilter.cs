using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Forwarding;

/// <summary>
/// Gives every cluster that sets no <c>HttpRequest:ActivityTimeout</c> the gateway's <c>Gateway:Upstream:ActivityTimeout</c>,
/// so a hung upstream costs a request that long instead of YARP's 100 s. Applied whenever YARP loads its config.
/// </summary>
internal sealed class UpstreamDefaultsConfigFilter(IOptionsMonitor<UpstreamOptions> options) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.HttpRequest?.ActivityTimeout is not null)
        {
            return ValueTask.FromResult(cluster);
        }

        var request = (cluster.HttpRequest ?? ForwarderRequestConfig.Empty) with { ActivityTimeout = options.CurrentValue.ActivityTimeout };
        return ValueTask.FromResult(cluster with { HttpRequest = request });
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) => ValueTask.FromResult(route);
}
