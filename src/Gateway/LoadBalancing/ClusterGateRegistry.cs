using System.Collections.Concurrent;
using Gateway.Fleet;
using Microsoft.Extensions.Options;

namespace Gateway.LoadBalancing;

/// <summary>One <see cref="ClusterGate"/> per cluster id, created on first use.</summary>
internal sealed class ClusterGateRegistry
{
    private readonly ConcurrentDictionary<string, ClusterGate> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<QueueOptions> _queue;
    private readonly IOptionsMonitor<LoadBalancingOptions> _balancing;
    private readonly IOptionsMonitor<HealthOptions> _health;
    private readonly Lazy<FleetCoordinator?> _fleet;
    private GateOptions? _options;

    // The monitors read the options on first use, not now: validating them lists the balancing policies, and the
    // gateway's policies depend on this registry.
    public ClusterGateRegistry(
        TimeProvider time, IOptionsMonitor<QueueOptions> queue, IOptionsMonitor<LoadBalancingOptions> balancing, IOptionsMonitor<HealthOptions> health,
        IServiceProvider services)
    {
        _time = time;
        _queue = queue;
        _balancing = balancing;
        _health = health;
        _fleet = new Lazy<FleetCoordinator?>(() => services.GetService<FleetCoordinator>() is { Enabled: true } fleet ? fleet : null);
    }

    public ICollection<ClusterGate> All => _gates.Values;

    public ClusterGate Get(string clusterId) =>
        _gates.GetOrAdd(clusterId, static (id, self) => new ClusterGate(id, self._time, self.Options, self._fleet.Value), this);

    /// <summary>The sections now in force, as one object that stays the same until the configuration changes.</summary>
    private GateOptions Options()
    {
        var (queue, balancing, health) = (_queue.CurrentValue, _balancing.CurrentValue, _health.CurrentValue);
        var options = Volatile.Read(ref _options);
        if (options is null || !ReferenceEquals(options.Queue, queue) || !ReferenceEquals(options.LoadBalancing, balancing)
            || !ReferenceEquals(options.Health, health))
        {
            options = new GateOptions(queue, balancing, health);
            Volatile.Write(ref _options, options);
        }

        return options;
    }
}
