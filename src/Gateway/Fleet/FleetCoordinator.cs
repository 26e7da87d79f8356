using System.Collections.Concurrent;
using System.Security.Cryptography;
using Gateway.Balancing;
using Microsoft.Extensions.Options;

namespace Gateway.Fleet;

/// <summary>
/// This replica's membership of the fleet: the <see cref="RedisFleetStore"/>, the requests waiting for a grant, the
/// leases it holds, the heartbeat that renews them, and the switch between shared and local mode. Every
/// gate of a <c>ConcurrencyAware</c> cluster (see <see cref="IFleetClusters"/>) asks it first while it is <see cref="Active"/>.
/// </summary>
/// <remarks>
/// <para>
/// Reserves (<see cref="FleetOptions.Reserve"/>): the replica holds up to that many slots per cluster in a
/// <see cref="ReservePool{TSlot}"/>, kept from its finished requests or topped up in the background while nobody waits
/// in the fleet, and its arrivals take one without a Redis trip. A request that has to wait in the fleet's queue asks
/// every holder, over pub/sub, for one back (see <see cref="ReservePool{TSlot}"/> for the protocol).
/// </para>
/// Local mode is the gate without fleet mode: each replica counts its own requests against the full limit, and load
/// reports break ties. It measured better in the simulator than a per-replica share of each limit (see README). A
/// failed or slow call switches to it at once; the next heartbeat that succeeds switches back. Requests admitted in
/// local mode are not in the fleet's counts, so for one service time after Redis returns an upstream may get more than
/// its limit.
/// </remarks>
internal sealed partial class FleetCoordinator : BackgroundService
{
    /// <summary>What a destination without a known limit offers the fleet: in effect, no limit.</summary>
    public const int UnlimitedLimit = 1_000_000;

    private readonly FleetOptions _options;
    private readonly FleetStatus? _status;
    private readonly TimeProvider _time;
    private readonly IFleetClusters _clusters;
    private readonly ILogger<FleetCoordinator> _logger;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string?>> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FleetLease> _leases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _leaseClusters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _acknowledged = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ReservePool<FleetLease>> _reserves = new(StringComparer.OrdinalIgnoreCase);
    private readonly Task<RedisFleetStore>? _store;
    private long _counter;

    public FleetCoordinator(
        IOptions<FleetOptions> options, IServiceProvider services, TimeProvider time, IFleetClusters clusters, ILogger<FleetCoordinator> logger)
    {
        _options = options.Value;
        _time = time;
        _clusters = clusters;
        _logger = logger;
        ReplicaId = string.IsNullOrWhiteSpace(_options.ReplicaId)
            ? $"{Sanitize(Environment.MachineName)}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}"
            : _options.ReplicaId;
        if (!_options.Enabled)
        {
            return;
        }

        _status = services.GetRequiredService<FleetStatus>();

        // Local mode until the first heartbeat answers: the gateway never waits on Redis to start.
        _status.MarkFailed("starting");
        var settings = new FleetStoreSettings
        {
            ReplicaId = ReplicaId,
            LeaseTime = _options.LeaseTime,
            AliveTime = 3 * _options.HeartbeatInterval,
            Timeout = _options.Timeout,
        };
        var status = _status;
        status.Observe(() => _reserves.Values.Sum(p => p.Count), () => _leases.Count);
        _store = Task.Run(() => RedisFleetStore.ConnectAsync(
            _options.Redis, settings, grant => OnGrant(grant, "pubsub"), time, new Random(), status, OnReclaim));
    }

    public bool Enabled => _options.Enabled;

    /// <summary>Whether gates ask the fleet now: fleet mode is on, and Redis answered the last call.</summary>
    public bool Active => _status is { Degraded: false } && _store is { IsCompletedSuccessfully: true };

    public string ReplicaId { get; }

    /// <summary>A lease and ticket id unique in the fleet.</summary>
    public string NextLeaseId() => $"{ReplicaId}:{Interlocked.Increment(ref _counter)}";

    /// <summary>
    /// Asks the fleet for a slot. A queued request then waits in <see cref="WaitForGrantAsync"/>. Throws
    /// <see cref="FleetStoreException"/> (after switching to local mode) when Redis fails or is slow.
    /// </summary>
    public async Task<(FleetAcquireResult Result, Task<string?> Grant)> AcquireAsync(
        string cluster, string leaseId, TimeSpan maxWait, int maxQueueLength, IReadOnlyList<FleetCandidate> candidates, CancellationToken aborted)
    {
        var store = Store();

        // Registered first: the grant can arrive before the acquire's own answer.
        var waiter = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[leaseId] = waiter;
        FleetAcquireResult result;
        try
        {
            result = await Call(() => store.AcquireAsync(cluster, leaseId, maxWait, maxQueueLength, candidates, aborted));
        }
        catch
        {
            _waiters.TryRemove(leaseId, out _);
            throw;
        }

        if (result.Kind == FleetAcquireKind.Granted)
        {
            _waiters.TryRemove(leaseId, out _);
            Hold(cluster, leaseId, result.Destination!);
            _status!.RecordSlotTaken("redis");
        }
        else if (result.Kind == FleetAcquireKind.QueueFull)
        {
            _waiters.TryRemove(leaseId, out _);
        }

        return (result, waiter.Task);
    }

    /// <summary>
    /// Waits for the slot of a queued request. Returns its destination, or null when the replica fell back to local
    /// mode meanwhile (wait in the local gate then). When <paramref name="cancellationToken"/> fires (queue timeout or
    /// client abort), the ticket leaves the fleet's queue; a grant made meanwhile is returned all the same, and the
    /// caller uses or releases it.
    /// </summary>
    public async Task<string?> WaitForGrantAsync(string cluster, string leaseId, Task<string?> grant, CancellationToken cancellationToken)
    {
        try
        {
            var destination = await grant.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (destination is not null)
            {
                _status!.RecordSlotTaken("redis");
            }

            return destination;
        }
        catch (OperationCanceledException)
        {
            // Still registered while the cancel runs, so a grant arriving now completes the waiter, not a release.
            FleetCancelResult? cancel = null;
            try
            {
                cancel = await Call(() => Store().CancelAsync(cluster, leaseId, CancellationToken.None));
            }
            catch (FleetStoreException)
            {
                // Its ticket is dropped at its deadline, or with this replica; a grant to it comes back as unknown.
            }

            _waiters.TryRemove(leaseId, out _);
            if (grant.IsCompletedSuccessfully && grant.Result is { } granted)
            {
                return granted;
            }

            if (cancel?.GrantedDestination is { } destination)
            {
                Hold(cluster, leaseId, destination);
                return destination;
            }

            throw;
        }
    }

    /// <summary>
    /// A slot this replica holds for a reserve of the cluster's whose destination is among <paramref name="offered"/>:
    /// the request takes it without asking Redis. Only in shared mode.
    /// </summary>
    public bool TryTakeReserve(string cluster, IReadOnlyList<FleetCandidate> offered, out FleetLease lease)
    {
        if (Active && _reserves.TryGetValue(cluster, out var pool)
            && pool.TryTake(slot => offered.Any(c => string.Equals(c.Destination, slot.Destination, StringComparison.OrdinalIgnoreCase)), out lease))
        {
            _status!.RecordSlotTaken("reserve");
            return true;
        }

        lease = default;
        return false;
    }

    /// <summary>
    /// Fills the cluster's reserve up to <see cref="FleetOptions.Reserve"/> in the background, one call at a time,
    /// from <paramref name="offered"/>; Redis grants slots only while nobody waits in the fleet.
    /// </summary>
    public void TopUp(string cluster, IReadOnlyList<FleetCandidate> offered)
    {
        if (!Active || _options.Reserve == 0)
        {
            return;
        }

        var pool = Pool(cluster);
        var wanted = pool.TryBeginTopUp(out var held);
        if (wanted > 0)
        {
            _ = TopUpInBackground(Store(), pool, cluster, wanted, held, offered);
        }
    }

    /// <summary>
    /// Gives a slot back to the fleet, off the request's path: kept as this replica's reserve when there is room in it
    /// and nobody waits in the fleet, else released. A failure leaves the lease to expire.
    /// </summary>
    public void Release(string cluster, string destination, string leaseId)
    {
        if (_store is not { IsCompletedSuccessfully: true } connected)
        {
            Forget(leaseId);
            return;
        }

        // Only a slot this replica holds (and so renews) may become a reserve: a grant nobody here waits for any more
        // is released, and a slot it does not renew would expire in Redis while still in the pool.
        var lease = new FleetLease(destination, leaseId);
        if (Active && _options.Reserve > 0 && _leases.ContainsKey(leaseId) && Pool(cluster).TryBeginKeep(out var freeToLeave))
        {
            _ = KeepInBackground(connected.Result, Pool(cluster), cluster, lease, freeToLeave);
            return;
        }

        _ = ReleaseInBackground(connected.Result, cluster, lease);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store is null)
        {
            return;
        }

        RedisFleetStore store;
        try
        {
            store = await _store.WaitAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ConnectFailed(_logger, ex);
            return;
        }

        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        do
        {
            await HeartbeatAsync(store, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_store is { IsCompletedSuccessfully: true } connected)
        {
            // What this replica holds in reserve goes back now rather than at its lease's expiry.
            var store = connected.Result;
            await Task.WhenAll(_reserves.SelectMany(p => p.Value.ReclaimAll().Select(lease => ReleaseInBackground(store, p.Key, lease))));
            await store.DisposeAsync();
        }
    }

    private static string Sanitize(string name) => new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-')]);

    private async Task HeartbeatAsync(RedisFleetStore store, CancellationToken stoppingToken)
    {
        var clusters = _clusters.ClusterIds();
        var replicas = 1;
        try
        {
            foreach (var cluster in clusters)
            {
                var acknowledged = new List<string>();
                if (_acknowledged.TryGetValue(cluster, out var queue))
                {
                    while (queue.TryDequeue(out var id))
                    {
                        acknowledged.Add(id);
                    }
                }

                var live = _leases.Where(l => string.Equals(_leaseClusters.GetValueOrDefault(l.Key), cluster, StringComparison.OrdinalIgnoreCase))
                    .Select(l => l.Value)
                    .ToArray();
                var result = await Call(() => store.HeartbeatAsync(cluster, acknowledged, live, stoppingToken));
                replicas = Math.Max(replicas, result.LiveReplicas);
                foreach (var grant in result.Unacknowledged)
                {
                    OnGrant(grant, "heartbeat");
                }
            }

            if (_status!.MarkHealthy(replicas))
            {
                Log.Shared(_logger, ReplicaId, replicas);
            }
        }
        catch (FleetStoreException)
        {
            // Logged by Call when it switched the mode.
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void OnGrant(FleetGrant grant, string via)
    {
        _status!.RecordGrant(via);
        _acknowledged.GetOrAdd(grant.Cluster, static _ => new ConcurrentQueue<string>()).Enqueue(grant.TicketId);

        // Taken out at once: the same grant comes again from the heartbeat until acknowledged, and must then find no
        // waiter (and the lease held), not release a slot its request is still using.
        if (_waiters.TryRemove(grant.TicketId, out var waiter))
        {
            // Held before the waiter resumes, so its release always finds the lease.
            Hold(grant.Cluster, grant.TicketId, grant.Destination);
            if (!waiter.TrySetResult(grant.Destination))
            {
                // It had fallen back to local mode meanwhile.
                Release(grant.Cluster, grant.Destination, grant.TicketId);
            }

            return;
        }

        if (!_leases.ContainsKey(grant.TicketId))
        {
            // A grant for a request that stopped waiting (or fell back to local mode): its slot goes back at once.
            Release(grant.Cluster, grant.Destination, grant.TicketId);
        }
    }

    private ReservePool<FleetLease> Pool(string cluster) => _reserves.GetOrAdd(cluster, static (_, max) => new ReservePool<FleetLease>(max), _options.Reserve);

    private void Forget(string leaseId)
    {
        _leases.TryRemove(leaseId, out _);
        _leaseClusters.TryRemove(leaseId, out _);
    }

    /// <summary>A request waits in the cluster's fleet queue: one slot of this replica's reserve goes back.</summary>
    private void OnReclaim(string cluster)
    {
        if (_reserves.TryGetValue(cluster, out var pool) && pool.TryReclaimOne(out var lease) && _store is { IsCompletedSuccessfully: true } connected)
        {
            _status!.RecordReclaim();
            _ = ReleaseInBackground(connected.Result, cluster, lease);
        }
    }

    private async Task KeepInBackground(RedisFleetStore store, ReservePool<FleetLease> pool, string cluster, FleetLease lease, int freeToLeave)
    {
        bool kept;
        try
        {
            kept = await Call(() => store.KeepAsync(cluster, lease.Destination, lease.LeaseId, freeToLeave, CancellationToken.None));
        }
        catch (Exception)
        {
            // Nobody awaits this task, so whatever failed ends here: as if refused, the lease is forgotten, and expires
            // within the lease time if Redis kept it after all.
            kept = false;
        }

        if (!kept)
        {
            pool.EndKeep(lease, kept: false);
            Forget(lease.LeaseId);
        }
        else if (!pool.EndKeep(lease, kept: true) || (!Active && pool.TryTake(l => l == lease, out _)))
        {
            // A reclaim, or a switch to local mode, came while the keep was on its way.
            await ReleaseInBackground(store, cluster, lease);
        }
    }

    private async Task TopUpInBackground(
        RedisFleetStore store, ReservePool<FleetLease> pool, string cluster, int wanted, int held, IReadOnlyList<FleetCandidate> offered)
    {
        var ids = new string[wanted];
        var freeToLeave = new int[wanted];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = NextLeaseId();
            freeToLeave[i] = ReservePool<FleetLease>.FreeSlotsToLeave(held + i);
        }

        IReadOnlyList<FleetLease> granted;
        try
        {
            granted = await Call(() => store.TopUpAsync(cluster, ids, freeToLeave, offered, CancellationToken.None));
        }
        catch (Exception)
        {
            // Nobody awaits this task, so whatever failed ends here; a slot granted meanwhile expires unrenewed.
            pool.EndTopUp(wanted, []);
            return;
        }

        // Held (so renewed) before they can be taken.
        foreach (var lease in granted)
        {
            Hold(cluster, lease.LeaseId, lease.Destination);
        }

        foreach (var lease in pool.EndTopUp(wanted, granted))
        {
            await ReleaseInBackground(store, cluster, lease);
        }
    }

    private Task ReleaseInBackground(RedisFleetStore store, string cluster, FleetLease lease)
    {
        Forget(lease.LeaseId);
        return SendReleaseAsync(store, cluster, lease.Destination, lease.LeaseId);
    }

    private void Hold(string cluster, string leaseId, string destination)
    {
        _leaseClusters[leaseId] = cluster;
        _leases[leaseId] = new FleetLease(destination, leaseId);
    }

    private RedisFleetStore Store() =>
        _store is { IsCompletedSuccessfully: true } connected
            ? connected.Result
            : throw new FleetStoreException("The fleet's Redis is not connected yet.", new InvalidOperationException(_options.Redis));

    private async Task SendReleaseAsync(RedisFleetStore store, string cluster, string destination, string leaseId)
    {
        try
        {
            await Call(() => store.ReleaseAsync(cluster, destination, leaseId, CancellationToken.None));
        }
        catch (Exception)
        {
            // Nobody awaits this task, so whatever failed ends here. The lease is no longer renewed, so it expires
            // within the lease time.
        }
    }

    private async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (FleetStoreException ex)
        {
            if (_status!.MarkFailed("redis_unavailable"))
            {
                Log.Local(_logger, ReplicaId, ex.InnerException?.Message ?? ex.Message);

                // Waiters fall back to the local gate now, not at their queue timeout.
                foreach (var (id, waiter) in _waiters)
                {
                    if (waiter.TrySetResult(null))
                    {
                        _waiters.TryRemove(id, out _);
                    }
                }

                // Reserves are not used in local mode: their leases stop being renewed and expire, unless a release
                // gets through first.
                // (Reserves only fill through a connected store, so without one there are none.)
                if (_store is { IsCompletedSuccessfully: true } connected)
                {
                    foreach (var (cluster, pool) in _reserves)
                    {
                        foreach (var lease in pool.ReclaimAll())
                        {
                            _ = ReleaseInBackground(connected.Result, cluster, lease);
                        }
                    }
                }
            }

            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Fleet: replica {Replica} balances in local mode: Redis failed or was slow ({Reason})")]
        public static partial void Local(ILogger logger, string replica, string reason);

        [LoggerMessage(2, LogLevel.Information, "Fleet: replica {Replica} is back in shared mode, {Replicas} replicas live")]
        public static partial void Shared(ILogger logger, string replica, int replicas);

        [LoggerMessage(3, LogLevel.Error, "Fleet: could not set up the connection to Redis; this replica stays in local mode")]
        public static partial void ConnectFailed(ILogger logger, Exception exception);
    }
}
