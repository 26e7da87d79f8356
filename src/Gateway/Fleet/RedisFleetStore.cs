using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Gateway.Redis;
using StackExchange.Redis;

namespace Gateway.Fleet;

/// <summary>
/// The Redis side of fleet mode: several gateway replicas share, per cluster, exact counts of requests in flight at
/// each destination and one FIFO queue, so together they act as one pooled queue in front of the destinations. One
/// instance per replica (one connection, one pub/sub channel); every call names its cluster. Independent of ASP.NET.
/// </summary>
/// <remarks>
/// <para>
/// Each call is one Lua script (<see cref="FleetScripts"/>), atomic in Redis, over the cluster's keys under the hash
/// tag <c>{gw:&lt;clusterId&gt;}</c>: <c>limits</c> (destination → concurrency limit, written by replicas when they
/// learn one), <c>total</c> (destination → requests in flight fleet-wide), <c>leases</c>, <c>queue</c> with
/// <c>seq</c>, <c>tickets</c>, <c>replicas</c>, and one <c>granted:&lt;replicaId&gt;</c> per replica.
/// </para>
/// <para>
/// <b>Why leases.</b> A count alone leaks: a replica that dies with requests in flight would hold their slots for ever.
/// So each request's slot is a lease, a member <c>&lt;dest&gt;|&lt;leaseId&gt;</c> of a sorted set scored by its expiry.
/// The owner renews its live leases at every heartbeat; every script first sweeps expired ones and gives their slots
/// back. <c>total</c> moves only when a lease really was added or removed, so a repeated call or a release racing the
/// sweep never counts twice, and <c>total</c> always equals the leases held.
/// </para>
/// <para>
/// <b>Why the granted hash.</b> A slot freed anywhere goes to the oldest ticket from any replica, and its replica is
/// told by pub/sub, which is fire-and-forget: a message sent while the replica was reconnecting is lost. The grant
/// is also written to <c>granted:&lt;replicaId&gt;</c> and stays there until the replica acknowledges it (in a
/// heartbeat) or releases it, and each heartbeat returns the replica's unacknowledged grants, so a lost message
/// costs at most one heartbeat interval, never a slot.
/// </para>
/// <para>
/// <b>Why <c>now</c> is an argument.</b> Scripts never read Redis's <c>TIME</c>: the caller passes its
/// <see cref="TimeProvider"/>'s time. The same scripts then run in simulated time (and in tests with a fake clock),
/// and a lease's expiry is in the clock of the replica that renews it. Replicas' clocks must agree to well under a
/// lease time (NTP does); a skew only moves expiries and deadlines by that much.
/// </para>
/// <para>
/// <b>Failures.</b> Every call has a short timeout (<see cref="FleetStoreSettings.Timeout"/>) and fails with
/// <see cref="FleetStoreException"/> when Redis is not connected, slow or answers an error; the caller's own
/// cancellation surfaces as <see cref="OperationCanceledException"/>. A call that timed out here may still have run in
/// Redis: a lease it made expires unrenewed, and a grant it led to comes back from the next heartbeat as a grant for a
/// ticket the caller does not know, which it releases.
/// </para>
/// <para>
/// Round trips per proxied request: 2 uncontended (acquire, release); 2 queued (acquire, release; the grant is a
/// pub/sub push, and releasing it needs no acknowledgement); 2 aborted while queued (acquire, cancel), 3 when the
/// cancel lost the race with a grant (and then releases it). Heartbeats are per cluster and interval, not per request.
/// </para>
/// </remarks>
internal sealed class RedisFleetStore : IAsyncDisposable
{
    /// <summary>Each replica's grants arrive on <c>gw:fleet:grants:&lt;replicaId&gt;</c>.</summary>
    public const string GrantChannelPrefix = "gw:fleet:grants:";

    private readonly IConnectionMultiplexer _redis;
    private readonly bool _ownsConnection;
    private readonly FleetStoreSettings _settings;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomSync = new();
    private readonly Action<FleetGrant> _onGrant;
    private readonly Action<string>? _onReclaim;
    private readonly IFleetStoreMetrics? _metrics;
    private readonly ConcurrentDictionary<string, FleetKeys> _keys = new(StringComparer.Ordinal);
    private readonly RedisChannel _channel;
    private readonly Action<RedisChannel, RedisValue> _handler;
    private long _roundTrips;
    private long _failures;

    /// <summary>
    /// A store on <paramref name="redis"/>, which the caller keeps owning. Subscribes to this replica's grant channel
    /// in the background (<see cref="Subscribed"/>); StackExchange.Redis subscribes again after every reconnect.
    /// </summary>
    /// <param name="redis">The connection; use <see cref="RedisConnection.Options"/> for the gateway's short timeouts.</param>
    /// <param name="settings">This replica's id, lease and alive times, and the call timeout.</param>
    /// <param name="onGrant">
    /// Called, on a Redis thread, for each grant to a ticket of this replica (see <see cref="FleetGrant"/> for
    /// duplicates and grants that arrive first). It must be quick and must not throw.
    /// </param>
    /// <param name="time">The clock: every call passes its time to Redis as <c>now</c>, and times out by it.</param>
    /// <param name="random">The source of tie-breaking numbers; seed it for repeatable runs.</param>
    /// <param name="metrics">Told of every command sent to Redis and of every call's duration, for the metrics.</param>
    /// <param name="onReclaim">
    /// Called, on a Redis thread, with a cluster's id when a request there has to wait while this replica holds slots in
    /// reserve: give one back (<see cref="ReleaseAsync"/>). Quick, and must not throw.
    /// </param>
    public RedisFleetStore(
        IConnectionMultiplexer redis, FleetStoreSettings settings, Action<FleetGrant> onGrant, TimeProvider time, Random random, IFleetStoreMetrics? metrics = null, Action<string>? onReclaim = null)
        : this(redis, ownsConnection: false, settings, onGrant, time, random, metrics, onReclaim)
    {
    }

    private RedisFleetStore(
        IConnectionMultiplexer redis, bool ownsConnection, FleetStoreSettings settings, Action<FleetGrant> onGrant, TimeProvider time, Random random, IFleetStoreMetrics? metrics, Action<string>? onReclaim)
    {
        CheckId(settings.ReplicaId, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.LeaseTime, TimeSpan.Zero, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.AliveTime, TimeSpan.Zero, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.Timeout, TimeSpan.Zero, nameof(settings));
        _redis = redis;
        _ownsConnection = ownsConnection;
        _settings = settings;
        _onGrant = onGrant;
        _time = time;
        _random = random;
        _metrics = metrics;
        _onReclaim = onReclaim;
        _channel = RedisChannel.Literal(GrantChannelPrefix + settings.ReplicaId);
        _handler = OnMessage;
        Subscribed = SubscribeAsync();
    }

    /// <summary>This replica's id in the fleet.</summary>
    public string ReplicaId => _settings.ReplicaId;

    /// <summary>Commands sent to Redis so far (a script call, plus an EVAL after a NOSCRIPT).</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>Calls that failed with <see cref="FleetStoreException"/> so far.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>
    /// Ends when the first subscription attempt to the grant channel has: true if it is in place. False when Redis was
    /// away; StackExchange.Redis keeps the subscription and makes it when it connects.
    /// </summary>
    public Task<bool> Subscribed { get; }

    /// <summary>
    /// Connects with the gateway's Redis defaults (<see cref="RedisConnection.Options"/>: 1 s timeouts unless the
    /// connection string sets them, reconnecting in the background) and returns a store that owns the connection.
    /// A Redis that is down costs at most the connect attempts (<c>connectRetry</c> × <c>connectTimeout</c>, 3 × 1 s;
    /// a refused connection fails at once); the store's calls then fail until Redis is up, and the subscription is made
    /// when it is.
    /// </summary>
    public static async Task<RedisFleetStore> ConnectAsync(
        string configuration,
        FleetStoreSettings settings,
        Action<FleetGrant> onGrant,
        TimeProvider time,
        Random random,
        IFleetStoreMetrics? metrics = null,
        Action<string>? onReclaim = null)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnection.Options(configuration));
        return new RedisFleetStore(redis, ownsConnection: true, settings, onGrant, time, random, metrics, onReclaim);
    }

    /// <summary>
    /// ACQUIRE: a slot at once (<see cref="FleetAcquireKind.Granted"/>, the request now holds lease
    /// <paramref name="leaseId"/> at the destination), or a place in the fleet's queue (<see cref="FleetAcquireKind.Queued"/>;
    /// the slot comes as a <see cref="FleetGrant"/> for ticket <paramref name="leaseId"/>), or
    /// <see cref="FleetAcquireKind.QueueFull"/>. Strict FIFO: while anyone in the fleet waits, a newcomer queues. The
    /// destination is picked among <paramref name="candidates"/> by the gateway's own rule (lowest share of its limit in
    /// use, ties at random); limits given here are stored for the fleet when they changed.
    /// </summary>
    /// <param name="cluster">The cluster's id.</param>
    /// <param name="leaseId">The request's lease and ticket id, unique in the fleet (e.g. <c>&lt;replicaId&gt;:&lt;counter&gt;</c>), without <c>|</c>.
    /// Register the waiter under it before calling: a grant can arrive before this returns.</param>
    /// <param name="maxWait">How long the ticket may wait; after that a freed slot skips it.</param>
    /// <param name="maxQueueLength">The fleet's queue bound, as the local gate's (0 queues nothing).</param>
    /// <param name="candidates">Destinations in rotation at this replica, with the limits it knows.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (the call may still run in Redis).</param>
    public async Task<FleetAcquireResult> AcquireAsync(
        string cluster, string leaseId, TimeSpan maxWait, int maxQueueLength, IReadOnlyList<FleetCandidate> candidates, CancellationToken cancellationToken)
    {
        CheckId(leaseId, nameof(leaseId));
        var now = Now();
        var values = Header(cluster, now, 4 + (2 * candidates.Count));
        values.Add(leaseId);
        values.Add(now + (long)maxWait.TotalMilliseconds);
        values.Add((long)_settings.AliveTime.TotalMilliseconds);
        values.Add(Math.Max(0, maxQueueLength));
        AddCandidates(values, candidates);

        var parts = (RedisResult[])(await RunAsync("acquire", FleetScripts.Acquire, cluster, values, cancellationToken))!;
        return (string?)parts[0] switch
        {
            "granted" => new FleetAcquireResult(FleetAcquireKind.Granted, (string?)parts[1], 0),
            "queued" => new FleetAcquireResult(FleetAcquireKind.Queued, null, (long)parts[1]),
            _ => new FleetAcquireResult(FleetAcquireKind.QueueFull, null, (long)parts[1]),
        };
    }

    /// <summary>
    /// RELEASE: gives back lease <paramref name="leaseId"/> at <paramref name="destination"/> (idempotent: a lease that
    /// is gone counts nothing), then hands freed slots to the oldest waiting tickets of any replica.
    /// </summary>
    public async Task<FleetReleaseResult> ReleaseAsync(string cluster, string destination, string leaseId, CancellationToken cancellationToken)
    {
        CheckId(leaseId, nameof(leaseId));
        var values = Header(cluster, Now(), 2);
        values.Add(destination);
        values.Add(leaseId);
        var parts = (RedisResult[])(await RunAsync("release", FleetScripts.Release, cluster, values, cancellationToken))!;
        return new FleetReleaseResult((long)parts[0] == 1, (int)(long)parts[1]);
    }

    /// <summary>
    /// KEEP: lease <paramref name="leaseId"/>, whose request finished, stays counted at <paramref name="destination"/>
    /// as this replica's reserve while no ticket waits in the fleet and the fleet still has
    /// <paramref name="freeToLeave"/> slots free besides it (true; its lease is renewed). Otherwise it is released, and
    /// freed slots go to the oldest tickets, as by <see cref="ReleaseAsync"/> (false).
    /// </summary>
    public async Task<bool> KeepAsync(string cluster, string destination, string leaseId, int freeToLeave, CancellationToken cancellationToken)
    {
        CheckId(leaseId, nameof(leaseId));
        var values = Header(cluster, Now(), 3);
        values.Add(destination);
        values.Add(leaseId);
        values.Add(freeToLeave);
        var parts = (RedisResult[])(await RunAsync("keep", FleetScripts.Keep, cluster, values, cancellationToken))!;
        return (long)parts[0] == 1;
    }

    /// <summary>
    /// TOP-UP: slots for this replica's reserve, one per id in <paramref name="leaseIds"/> at most, while no ticket
    /// waits in the fleet and a candidate has room (picked as by <see cref="AcquireAsync"/>), the i-th only while the
    /// fleet still has <paramref name="freeToLeave"/>[i] slots free besides it. Returns the granted leases: the first
    /// ids of <paramref name="leaseIds"/>, each with its destination.
    /// </summary>
    public async Task<IReadOnlyList<FleetLease>> TopUpAsync(
        string cluster, IReadOnlyList<string> leaseIds, IReadOnlyList<int> freeToLeave, IReadOnlyList<FleetCandidate> candidates, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(freeToLeave.Count, leaseIds.Count, nameof(freeToLeave));
        foreach (var id in leaseIds)
        {
            CheckId(id, nameof(leaseIds));
        }

        var values = Header(cluster, Now(), 2 + (2 * leaseIds.Count) + (2 * candidates.Count));
        values.Add(leaseIds.Count);
        values.Add((long)_settings.AliveTime.TotalMilliseconds);
        foreach (var id in leaseIds)
        {
            values.Add(id);
        }

        foreach (var free in freeToLeave)
        {
            values.Add(free);
        }

        AddCandidates(values, candidates);
        var destinations = (RedisResult[])(await RunAsync("top_up", FleetScripts.TopUp, cluster, values, cancellationToken))!;
        var granted = new FleetLease[destinations.Length];
        for (var i = 0; i < granted.Length; i++)
        {
            granted[i] = new FleetLease((string)destinations[i]!, leaseIds[i]);
        }

        return granted;
    }

    /// <summary>
    /// CANCEL: takes this replica's ticket out of the queue. <see cref="FleetCancelResult.WasQueued"/> false means it
    /// was not waiting any more; if it had been granted, <see cref="FleetCancelResult.GrantedDestination"/> says where,
    /// and the caller uses or releases that slot.
    /// </summary>
    public async Task<FleetCancelResult> CancelAsync(string cluster, string ticketId, CancellationToken cancellationToken)
    {
        CheckId(ticketId, nameof(ticketId));
        var values = Header(cluster, Now(), 1);
        values.Add(ticketId);
        var parts = (RedisResult[])(await RunAsync("cancel", FleetScripts.Cancel, cluster, values, cancellationToken))!;
        return new FleetCancelResult((long)parts[0] == 1, parts.Length > 1 ? (string?)parts[1] : null);
    }

    /// <summary>
    /// HEARTBEAT, once per cluster every interval: says this replica is alive, acknowledges grants it has received,
    /// renews the leases of its requests in flight (only those that still exist), sweeps, drops replicas that stopped
    /// heartbeating together with their queued tickets, and returns the live replica count and this replica's grants not
    /// yet acknowledged, so one whose pub/sub message was lost is delivered now.
    /// </summary>
    public async Task<FleetHeartbeatResult> HeartbeatAsync(
        string cluster, IReadOnlyCollection<string> acknowledged, IReadOnlyCollection<FleetLease> live, CancellationToken cancellationToken)
    {
        var values = Header(cluster, Now(), 2 + acknowledged.Count + (2 * live.Count));
        values.Add((long)_settings.AliveTime.TotalMilliseconds);
        values.Add(acknowledged.Count);
        foreach (var id in acknowledged)
        {
            values.Add(id);
        }

        foreach (var lease in live)
        {
            values.Add(lease.Destination);
            values.Add(lease.LeaseId);
        }

        var parts = (RedisResult[])(await RunAsync("heartbeat", FleetScripts.Heartbeat, cluster, values, cancellationToken))!;
        var pending = (RedisResult[])parts[1]!;
        var grants = new FleetGrant[pending.Length / 2];
        for (var i = 0; i < grants.Length; i++)
        {
            grants[i] = new FleetGrant(cluster, (string)pending[2 * i]!, (string)pending[(2 * i) + 1]!);
        }

        return new FleetHeartbeatResult((int)(long)parts[0], grants);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_channel, _handler).WaitAsync(_settings.Timeout, _time);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is away: there is no subscription to end there.
        }

        if (_ownsConnection)
        {
            await _redis.DisposeAsync();
        }
    }

    private static void CheckId(string id, string name)
    {
        if (string.IsNullOrEmpty(id) || id.Contains('|', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A fleet id must be non-empty and without '|', got '{id}'.", name);
        }
    }

    private static void AddCandidates(List<RedisValue> values, IReadOnlyList<FleetCandidate> candidates)
    {
        foreach (var candidate in candidates)
        {
            values.Add(candidate.Destination);
            values.Add(candidate.Limit is > 0 ? candidate.Limit.Value : 0);
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private FleetKeys Keys(string cluster) => _keys.GetOrAdd(cluster, static c => new FleetKeys(c));

    /// <summary>The ARGV every script starts with: cluster, granted prefix, now, replica, lease ms, tie number.</summary>
    private List<RedisValue> Header(string cluster, long now, int more)
    {
        double r;
        lock (_randomSync)
        {
            r = _random.NextDouble();
        }

        return new List<RedisValue>(6 + more)
        {
            cluster,
            Keys(cluster).GrantedPrefix,
            now,
            _settings.ReplicaId,
            (long)_settings.LeaseTime.TotalMilliseconds,
            r.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    private async Task<RedisResult> RunAsync(string operation, RedisScript script, string cluster, List<RedisValue> values, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            var result = await script.EvaluateAsync(_redis.GetDatabase(), Keys(cluster).All, [.. values], () => CountRoundTrip(operation))
                .WaitAsync(_settings.Timeout, _time, cancellationToken);
            _metrics?.RecordCall(operation, _time.GetElapsedTime(started));
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _failures);
            throw new FleetStoreException($"Fleet {operation} for cluster '{cluster}' failed: {ex.Message}", ex);
        }
    }

    private void CountRoundTrip(string operation)
    {
        Interlocked.Increment(ref _roundTrips);
        _metrics?.RecordRoundTrip(operation);
    }

    private async Task<bool> SubscribeAsync()
    {
        try
        {
            await _redis.GetSubscriber().SubscribeAsync(_channel, _handler).WaitAsync(_settings.Timeout, _time);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        // Written by the scripts' dispatch as cjson.encode({ cluster, ticket, dest }), and by their reclaim as
        // cjson.encode({ cluster }).
        string[]? parts;
        try
        {
            parts = JsonSerializer.Deserialize<string[]>((string)message!);
        }
        catch (JsonException)
        {
            return;
        }

        if (parts is [var cluster, var ticket, var destination])
        {
            _onGrant(new FleetGrant(cluster, ticket, destination));
        }
        else if (parts is [var reclaimed])
        {
            _onReclaim?.Invoke(reclaimed);
        }
    }
}
