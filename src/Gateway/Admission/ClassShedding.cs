using System.Collections.Concurrent;

namespace Gateway.Admission;

/// <summary>One <see cref="ClusterShedding"/> per cluster with enqueue routes, created on first use.</summary>
internal sealed class ClassShedding(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ClusterShedding> _clusters = new(StringComparer.OrdinalIgnoreCase);

    public ICollection<ClusterShedding> All => _clusters.Values;

    public ClusterShedding For(string clusterId) =>
        _clusters.GetOrAdd(clusterId, static (id, time) => new ClusterShedding(id, time), time);
}
