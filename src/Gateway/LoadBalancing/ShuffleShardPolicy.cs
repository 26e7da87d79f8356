using System.Buffers;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Gateway.Authentication;
using Gateway.UpstreamFeedback;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// Shuffle sharding: each tenant maps, stably, to <c>k</c> of the cluster's destinations (its shard), and a request
/// goes to whichever of those reported the smallest backlog, then has the fewest requests in flight from this
/// gateway, then ranks highest for the tenant. One tenant that saturates its shard then only slows the few tenants
/// whose shards overlap it, and those have somewhere else in their shard to go.
/// </summary>
/// <remarks>
/// The shard is rendezvous (highest-random-weight) hashing of (tenant, destination id) with XxHash64: the same in
/// every process and replica, independent of destination order, and removing a destination moves only the tenants
/// whose shard held it. YARP passes only available destinations, so an unhealthy one is replaced by the tenant's
/// next-ranked destination. Requests without a tenant share one shard, the anonymous shard.
/// </remarks>
internal sealed class ShuffleShardPolicy : ILoadBalancingPolicy
{
    /// <summary>Shard size when the cluster's metadata sets none.</summary>
    public const int DefaultShardSize = 2;

    // The shard's ranks live on the stack up to this size; larger shards rent arrays.
    private const int StackShardLimit = 32;

    private readonly DestinationBacklogs _backlogs;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan> _backlogTtl;

    // The monitor reads the options on first use, not now: validating them lists the balancing policies.
    public ShuffleShardPolicy(DestinationBacklogs backlogs, TimeProvider time, IOptionsMonitor<LoadBalancingOptions> options)
    {
        _backlogs = backlogs;
        _time = time;
        _backlogTtl = () => options.CurrentValue.BacklogReportTtl;
    }

    /// <summary>For tests: a fixed backlog TTL.</summary>
    internal ShuffleShardPolicy(DestinationBacklogs backlogs, TimeProvider time, TimeSpan backlogTtl)
    {
        _backlogs = backlogs;
        _time = time;
        _backlogTtl = () => backlogTtl;
    }

    public string Name => GatewayPolicies.ShuffleShard;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        var n = availableDestinations.Count;
        if (n <= 1)
        {
            return n == 0 ? null : availableDestinations[0];
        }

        var tenant = context.Features.Get<TenantFeature>()?.Tenant;
        var k = ShardSize(cluster.Model.Config.Metadata);
        return Pick(cluster.ClusterId, tenant, k, availableDestinations);
    }

    /// <summary>The shard size for a cluster: its <c>Gateway.ShardSize</c>, or the default when unset or invalid.</summary>
    public static int ShardSize(IReadOnlyDictionary<string, string>? clusterMetadata) =>
        GatewayMetadata.ReadPositiveInt(clusterMetadata, GatewayMetadata.ShardSize) ?? DefaultShardSize;

    /// <summary>
    /// The tenant's shard among <paramref name="destinations"/>, best-ranked first: the <paramref name="k"/>
    /// destinations with the highest weight for the tenant (all of them when k ≥ n).
    /// </summary>
    public static IReadOnlyList<DestinationState> Shard(string? tenant, int k, IReadOnlyList<DestinationState> destinations)
    {
        var seed = TenantSeed(tenant);
        return destinations
            .Select(d => (Destination: d, Weight: Weight(seed, d.DestinationId)))
            .OrderByDescending(x => x, RankComparer.Instance)
            .Take(k)
            .Select(x => x.Destination)
            .ToArray();
    }

    internal DestinationState Pick(string clusterId, string? tenant, int k, IReadOnlyList<DestinationState> destinations)
    {
        var seed = TenantSeed(tenant);
        var n = destinations.Count;
        var freshness = (Now: _time.GetTimestamp(), Ttl: _backlogTtl());
        if (k >= n)
        {
            var bestIndex = 0;
            var bestWeight = Weight(seed, destinations[0].DestinationId);
            var bestBacklog = Backlog(clusterId, destinations[0], freshness);
            for (var i = 1; i < n; i++)
            {
                var weight = Weight(seed, destinations[i].DestinationId);
                var backlog = Backlog(clusterId, destinations[i], freshness);
                if (IsBetter(destinations[i], backlog, weight, destinations[bestIndex], bestBacklog, bestWeight))
                {
                    (bestIndex, bestWeight, bestBacklog) = (i, weight, backlog);
                }
            }

            return destinations[bestIndex];
        }

        ulong[]? rentedWeights = null;
        int[]? rentedIndexes = null;
        var weights = k <= StackShardLimit ? stackalloc ulong[k] : (rentedWeights = ArrayPool<ulong>.Shared.Rent(k)).AsSpan(0, k);
        var indexes = k <= StackShardLimit ? stackalloc int[k] : (rentedIndexes = ArrayPool<int>.Shared.Rent(k)).AsSpan(0, k);
        try
        {
            var count = TopK(seed, destinations, weights, indexes);
            var best = 0;
            var bestBacklog = Backlog(clusterId, destinations[indexes[0]], freshness);
            for (var j = 1; j < count; j++)
            {
                var backlog = Backlog(clusterId, destinations[indexes[j]], freshness);
                if (IsBetter(destinations[indexes[j]], backlog, weights[j], destinations[indexes[best]], bestBacklog, weights[best]))
                {
                    (best, bestBacklog) = (j, backlog);
                }
            }

            return destinations[indexes[best]];
        }
        finally
        {
            if (rentedWeights is not null)
            {
                ArrayPool<ulong>.Shared.Return(rentedWeights);
                ArrayPool<int>.Shared.Return(rentedIndexes!);
            }
        }
    }

    /// <summary>Fills the k highest-weight destinations, best first, by insertion: k is small.</summary>
    private static int TopK(ulong seed, IReadOnlyList<DestinationState> destinations, Span<ulong> weights, Span<int> indexes)
    {
        var count = 0;
        for (var i = 0; i < destinations.Count; i++)
        {
            var id = destinations[i].DestinationId;
            var weight = Weight(seed, id);
            var position = count;
            while (position > 0 && Outranks(weight, id, weights[position - 1], destinations[indexes[position - 1]].DestinationId))
            {
                position--;
            }

            if (position >= weights.Length)
            {
                continue;
            }

            var last = Math.Min(count, weights.Length - 1);
            for (var j = last; j > position; j--)
            {
                weights[j] = weights[j - 1];
                indexes[j] = indexes[j - 1];
            }

            weights[position] = weight;
            indexes[position] = i;
            count = Math.Min(count + 1, weights.Length);
        }

        return count;
    }

    /// <summary>Smaller fresh backlog, then fewer own requests in flight, then the tenant's higher rank.</summary>
    private static bool IsBetter(DestinationState candidate, long backlog, ulong weight, DestinationState best, long bestBacklog, ulong bestWeight)
    {
        if (backlog != bestBacklog)
        {
            return backlog < bestBacklog;
        }

        var inFlight = candidate.ConcurrentRequestCount;
        var bestInFlight = best.ConcurrentRequestCount;
        if (inFlight != bestInFlight)
        {
            return inFlight < bestInFlight;
        }

        return Outranks(weight, candidate.DestinationId, bestWeight, best.DestinationId);
    }

    /// <summary>
    /// The destination's last reported backlog, or 0 when it never reported one or the report is older than the
    /// TTL: an old figure would keep traffic off a destination that has since drained, and the next response there
    /// brings a fresh one.
    /// </summary>
    private long Backlog(string clusterId, DestinationState destination, (long Now, TimeSpan Ttl) freshness) =>
        _backlogs.Get(clusterId, destination.DestinationId) is { } report
            && _time.GetElapsedTime(report.ReportedAt, freshness.Now) <= freshness.Ttl
            ? report.Jobs
            : 0;

    private static bool Outranks(ulong weight, string id, ulong otherWeight, string otherId) =>
        weight != otherWeight ? weight > otherWeight : string.CompareOrdinal(id, otherId) < 0;

    // UTF-16 code units hashed as bytes: the same on every supported platform (all little-endian) and every process,
    // unlike string.GetHashCode. No tenant hashes as the empty string: the anonymous shard.
    private static ulong TenantSeed(string? tenant) =>
        XxHash64.HashToUInt64(MemoryMarshal.AsBytes((tenant ?? "").AsSpan()));

    private static ulong Weight(ulong tenantSeed, string destinationId) =>
        XxHash64.HashToUInt64(MemoryMarshal.AsBytes(destinationId.AsSpan()), unchecked((long)tenantSeed));

    private sealed class RankComparer : IComparer<(DestinationState Destination, ulong Weight)>
    {
        public static readonly RankComparer Instance = new();

        public int Compare((DestinationState Destination, ulong Weight) x, (DestinationState Destination, ulong Weight) y) =>
            x.Weight == y.Weight && x.Destination.DestinationId == y.Destination.DestinationId ? 0
            : Outranks(x.Weight, x.Destination.DestinationId, y.Weight, y.Destination.DestinationId) ? 1 : -1;
    }
}
