using System.Collections.Concurrent;
using Gateway.Configuration;
using Gateway.Fleet;

namespace Gateway.LoadBalancing;

/// <summary>One <see cref="ClusterGate"/> per cluster id, created on first use.</summary>
internal sealed class ClusterGateRegistry
{
    private readonly ConcurrentDictionary<string, ClusterGate> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly Lazy<LiveGatewayOptions> _options;
    private readonly Lazy<FleetCoordinator?> _fleet;

    // The options are resolved on first use, not injected: validating them lists the balancing policies,
    // and the gateway's policies depend on this registry.
    public ClusterGateRegistry(TimeProvider time, IServiceProvider services)
    {
        _time = time;
        _options = new Lazy<LiveGatewayOptions>(services.GetRequiredService<LiveGatewayOptions>);
        _fleet = new Lazy<FleetCoordinator?>(() => services.GetService<FleetCoordinator>() is { Enabled: true } fleet ? fleet : null);
    }

    public ICollection<ClusterGate> All => _gates.Values;

    public ClusterGate Get(string clusterId) =>
        _gates.GetOrAdd(clusterId, static (id, self) => new ClusterGate(id, self._time, () => self._options.Value.Current, self._fleet.Value), this);
}
