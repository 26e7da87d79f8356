using System.Collections.Concurrent;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.LoadBalancing;

/// <summary>One <see cref="ClusterGate"/> per cluster id, created on first use.</summary>
internal sealed class ClusterGateRegistry
{
    private readonly ConcurrentDictionary<string, ClusterGate> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<GatewayOptions> _options;

    public ClusterGateRegistry(TimeProvider time, IOptionsMonitor<GatewayOptions> options)
    {
        _time = time;
        _options = options;
    }

    public ICollection<ClusterGate> All => _gates.Values;

    public ClusterGate Get(string clusterId) =>
        _gates.GetOrAdd(clusterId, static (id, self) => new ClusterGate(id, self._time, () => self._options.CurrentValue), this);
}
