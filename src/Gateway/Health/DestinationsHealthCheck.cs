using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;

namespace Gateway.Health;

/// <summary>
/// <c>/healthz</c>'s <c>destinations</c> check. Unhealthy (503 <c>starting</c>) until YARP's first round of active
/// probes has answered: before that the gateway knows neither which destinations are up nor their concurrency limits,
/// and a cold burst would queue behind one request per destination. After that it is healthy whatever the upstreams'
/// state, because taking a gateway out of a balancer would not bring an upstream back; its data says how many of each
/// cluster's destinations are available.
/// </summary>
internal sealed class DestinationsHealthCheck(IActiveHealthCheckMonitor monitor, IProxyStateLookup proxyState) : IHealthCheck
{
    public const string Name = "destinations";
    public const string StartingReason = "initial_health_probes";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var empty = new List<string>();
        foreach (var cluster in proxyState.GetClusters())
        {
            var all = cluster.Destinations.Count;
            var available = cluster.DestinationsState?.AvailableDestinations.Count ?? all;
            data[cluster.ClusterId] = $"{available}/{all}";
            if (available == 0)
            {
                empty.Add(cluster.ClusterId);
            }
        }

        if (!monitor.InitialProbeCompleted)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(StartingReason, data: data));
        }

        var description = empty.Count == 0 ? "every cluster has an available destination" : $"no available destination in {string.Join(", ", empty)}";
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
