using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Gateway.Fleet;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Gateway.Tests.Fleet;

/// <summary>
/// The fleet's shared gate against a real redis-server: several <see cref="RedisFleetStore"/> instances, each with its
/// own connection, stand for the replicas. Time is a <see cref="FakeTimeProvider"/> wherever expiry matters, since the
/// scripts take <c>now</c> from the caller; only the failure tests run on the real clock.
/// </summary>
public sealed partial class RedisFleetStoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Cluster = "demo";
    private static readonly TimeSpan LongWait = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<RedisFleetStore> _stores = [];
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _check = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _check = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await _check.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentFromThreeReplicas_NoDestinationEverExceedsItsLimitAndTotalsEqualLeases()
    {
        FleetCandidate[] candidates = [new("a", 3), new("b", 4), new("c", 5)];
        var limits = candidates.ToDictionary(c => c.Destination, c => c.Limit!.Value);
        var replicas = new List<(RedisFleetStore Store, GrantInbox Inbox)>();
        for (var i = 0; i < 3; i++)
        {
            var inbox = new GrantInbox();
            replicas.Add((await StoreAsync($"r{i}", inbox, random: new Random(i)), inbox));
        }

        // A burst of 3 x 20 at once: exactly the 12 slots are granted, the rest queue, and the counts are exact.
        var burst = await Task.WhenAll(replicas.SelectMany((r, i) => Enumerable.Range(0, 20).Select(n =>
            r.Store.AcquireAsync(Cluster, $"r{i}:burst{n}", LongWait, int.MaxValue, candidates, CancellationToken.None))));
        Assert.Equal(12, burst.Count(b => b.Kind == FleetAcquireKind.Granted));
        Assert.Equal(48, burst.Count(b => b.Kind == FleetAcquireKind.Queued));
        Assert.Equal(Enumerable.Range(1, 48).Select(p => (long)p), burst.Where(b => b.Kind == FleetAcquireKind.Queued).Select(b => b.Position).Order());
        var counts = await CountsAsync(Cluster);
        Assert.Equal(limits, counts.Totals);
        Assert.Equal(counts.Totals, counts.Leases);

        // Then churn: every request holds its slot briefly and releases it; queued ones get theirs by pub/sub.
        var inFlight = new ConcurrentDictionary<string, int>();
        var peak = new ConcurrentDictionary<string, int>();
        async Task Serve(int replica, string leaseId, FleetAcquireResult result)
        {
            var (store, inbox) = replicas[replica];
            var destination = result.Kind == FleetAcquireKind.Granted
                ? result.Destination!
                : (await inbox.WaitAsync(leaseId, TimeSpan.FromSeconds(30))).Destination;
            var now = inFlight.AddOrUpdate(destination, 1, (_, n) => n + 1);
            peak.AddOrUpdate(destination, now, (_, p) => Math.Max(p, now));
            await Task.Delay(Random.Shared.Next(0, 3));
            inFlight.AddOrUpdate(destination, 0, (_, n) => n - 1);
            await store.ReleaseAsync(Cluster, destination, leaseId, CancellationToken.None);
        }

        var served = burst.Select((result, k) => Serve(k / 20, $"r{k / 20}:burst{k % 20}", result)).ToList();
        served.AddRange(replicas.SelectMany((r, i) => Enumerable.Range(0, 100).Select(async n =>
        {
            var leaseId = $"r{i}:churn{n}";
            await Serve(i, leaseId, await r.Store.AcquireAsync(Cluster, leaseId, LongWait, int.MaxValue, candidates, CancellationToken.None));
        })));
        await Task.WhenAll(served);

        output.WriteLine($"peak in flight seen by the requests: {string.Join(", ", peak.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}/{limits[p.Key]}"))}");
        Assert.All(peak, p => Assert.InRange(p.Value, 1, limits[p.Key]));
        var after = await CountsAsync(Cluster);
        Assert.All(after.Totals.Values, t => Assert.Equal(0, t));
        Assert.Equal(after.Totals, after.Leases);
        Assert.Equal(0, await _check.GetDatabase().SortedSetLengthAsync("{gw:demo}:leases"));
        Assert.Equal(0, await _check.GetDatabase().SortedSetLengthAsync("{gw:demo}:queue"));
    }

    [Fact]
    public async Task ReleaseAsync_TheOldestTicketFromAnyReplicaGetsTheFreedSlot_AndOnlyItsReplicaIsToldByPubSub()
    {
        var (a, b, c) = (new GrantInbox(), new GrantInbox(), new GrantInbox());
        var storeA = await StoreAsync("a", a);
        var storeB = await StoreAsync("b", b);
        var storeC = await StoreAsync("c", c);
        FleetCandidate[] one = [new("u1", 1)];

        Assert.Equal(FleetAcquireKind.Granted, (await storeA.AcquireAsync(Cluster, "a:1", LongWait, 10, one, default)).Kind);
        var b1 = await storeB.AcquireAsync(Cluster, "b:1", LongWait, 10, one, default);
        var c1 = await storeC.AcquireAsync(Cluster, "c:1", LongWait, 10, one, default);
        var a2 = await storeA.AcquireAsync(Cluster, "a:2", LongWait, 10, one, default);
        Assert.Equal((FleetAcquireKind.Queued, 1L), (b1.Kind, b1.Position));
        Assert.Equal((FleetAcquireKind.Queued, 2L), (c1.Kind, c1.Position));
        Assert.Equal((FleetAcquireKind.Queued, 3L), (a2.Kind, a2.Position));

        var released = await storeA.ReleaseAsync(Cluster, "u1", "a:1", default);
        var grant = await b.WaitAsync("b:1");

        Assert.Equal(new FleetReleaseResult(true, 1), released);
        Assert.Equal(new FleetGrant(Cluster, "b:1", "u1"), grant);
        await storeB.ReleaseAsync(Cluster, "u1", "b:1", default);
        Assert.Equal("u1", (await c.WaitAsync("c:1")).Destination);
        await storeC.ReleaseAsync(Cluster, "u1", "c:1", default);
        Assert.Equal("u1", (await a.WaitAsync("a:2")).Destination);
        Assert.Equal((1, 1, 1), (a.Count, b.Count, c.Count));
        Assert.Equal(1, (await CountsAsync(Cluster)).Totals["u1"]);
    }

    [Fact]
    public async Task AcquireAsync_WhileAnyoneWaits_ANewcomerQueuesEvenWhereASlotIsFree()
    {
        var waiting = new GrantInbox();
        var storeA = await StoreAsync("a", new GrantInbox());
        var storeB = await StoreAsync("b", waiting);

        // b waits for u1 (full); u2 is free, but b's ticket (offered only u1) is ahead of the newcomer.
        Assert.True((await storeA.AcquireAsync(Cluster, "a:1", LongWait, 10, [new("u1", 1)], default)).Kind == FleetAcquireKind.Granted);
        Assert.Equal(FleetAcquireKind.Queued, (await storeB.AcquireAsync(Cluster, "b:1", LongWait, 10, [new("u1", 1)], default)).Kind);
        var newcomer = await storeA.AcquireAsync(Cluster, "a:2", LongWait, 10, [new("u2", 1)], default);

        // The newcomer's acquire stored u2's limit, and its dispatch gave u2 to the oldest ticket, b's.
        Assert.Equal((FleetAcquireKind.Queued, 1L), (newcomer.Kind, newcomer.Position));
        Assert.Equal("u2", (await waiting.WaitAsync("b:1")).Destination);
    }

    [Fact]
    public async Task AcquireAsync_QueueAtItsBound_AnswersFullAndStoresNothing()
    {
        var store = await StoreAsync("a", new GrantInbox());
        FleetCandidate[] one = [new("u1", 1)];
        await store.AcquireAsync(Cluster, "a:1", LongWait, 1, one, default);
        await store.AcquireAsync(Cluster, "a:2", LongWait, 1, one, default);

        var full = await store.AcquireAsync(Cluster, "a:3", LongWait, 1, one, default);

        Assert.Equal(new FleetAcquireResult(FleetAcquireKind.QueueFull, null, 1), full);
        Assert.False(await _check.GetDatabase().HashExistsAsync("{gw:demo}:tickets", "a:3"));
    }

    [Fact]
    public async Task CancelAsync_QueuedTicket_LeavesTheQueue_ButAfterAGrantReturnsZeroWithTheDestination()
    {
        var inbox = new GrantInbox();
        var holder = await StoreAsync("a", new GrantInbox());
        var waiter = await StoreAsync("b", inbox);
        FleetCandidate[] one = [new("u1", 1)];
        await holder.AcquireAsync(Cluster, "a:1", LongWait, 10, one, default);
        await waiter.AcquireAsync(Cluster, "b:1", LongWait, 10, one, default);
        await waiter.AcquireAsync(Cluster, "b:2", LongWait, 10, one, default);

        var cancelledWhileQueued = await waiter.CancelAsync(Cluster, "b:1", default);
        await holder.ReleaseAsync(Cluster, "u1", "a:1", default);

        // The cancel raced the grant and lost: the caller learns where its slot is, before or without the message.
        var cancelledAfterGrant = await waiter.CancelAsync(Cluster, "b:2", default);
        var unknown = await waiter.CancelAsync(Cluster, "b:99", default);

        Assert.Equal(new FleetCancelResult(true, null), cancelledWhileQueued);
        Assert.Equal(new FleetCancelResult(false, "u1"), cancelledAfterGrant);
        Assert.Equal(new FleetCancelResult(false, null), unknown);
        Assert.False(inbox.Has("b:1"));
        Assert.Equal("u1", (await inbox.WaitAsync("b:2")).Destination);
        Assert.Equal(new FleetReleaseResult(true, 0), await waiter.ReleaseAsync(Cluster, "u1", "b:2", default));
        Assert.Equal(0, (await CountsAsync(Cluster)).Totals["u1"]);
    }

    [Fact]
    public async Task HeartbeatAsync_ReplicaThatStoppedHeartbeating_ItsTicketsLeaveTheQueueAndItsExpiredLeasesReturnTheirSlots()
    {
        var survivorInbox = new GrantInbox();
        var dead = await StoreAsync("dead", new GrantInbox());
        var survivor = await StoreAsync("alive", survivorInbox);
        FleetCandidate[] two = [new("u1", 2)];
        await dead.AcquireAsync(Cluster, "dead:1", LongWait, 10, two, default);
        await dead.AcquireAsync(Cluster, "dead:2", LongWait, 10, two, default);
        await dead.AcquireAsync(Cluster, "dead:3", LongWait, 10, two, default);
        Assert.Equal(FleetAcquireKind.Queued, (await survivor.AcquireAsync(Cluster, "alive:1", LongWait, 10, two, default)).Kind);

        // Past the dead replica's alive time (3 s) but within its leases (10 s): its ticket goes, its slots stay taken.
        _time.Advance(TimeSpan.FromSeconds(4));
        var first = await survivor.HeartbeatAsync(Cluster, [], [], default);
        Assert.Equal(1, first.LiveReplicas);
        Assert.Empty(first.Unacknowledged);
        Assert.False(await _check.GetDatabase().HashExistsAsync("{gw:demo}:tickets", "dead:3"));
        Assert.Equal(1, await _check.GetDatabase().SortedSetLengthAsync("{gw:demo}:queue"));
        Assert.Equal(2, (await CountsAsync(Cluster)).Totals["u1"]);

        // Past the leases: the sweep frees both slots, and the survivor's ticket, now at the head, gets one.
        _time.Advance(TimeSpan.FromSeconds(7));
        var second = await survivor.HeartbeatAsync(Cluster, [], [], default);

        Assert.Equal([new FleetGrant(Cluster, "alive:1", "u1")], second.Unacknowledged);
        Assert.Equal("u1", (await survivorInbox.WaitAsync("alive:1")).Destination);
        var counts = await CountsAsync(Cluster);
        Assert.Equal(1, counts.Totals["u1"]);
        Assert.Equal(counts.Totals, counts.Leases);
    }

    [Fact]
    public async Task HeartbeatAsync_LiveLeasesAreRenewed_SoALongRequestKeepsItsSlot()
    {
        var store = await StoreAsync("a", new GrantInbox());
        await store.AcquireAsync(Cluster, "a:1", LongWait, 10, [new("u1", 1)], default);

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            await store.HeartbeatAsync(Cluster, [], [new FleetLease("u1", "a:1")], default);
        }

        // 15 s after it was taken, with a 10 s lease: still held, and never released twice.
        Assert.Equal(1, (await CountsAsync(Cluster)).Totals["u1"]);
        Assert.Equal(new FleetReleaseResult(true, 0), await store.ReleaseAsync(Cluster, "u1", "a:1", default));
        Assert.Equal(new FleetReleaseResult(false, 0), await store.ReleaseAsync(Cluster, "u1", "a:1", default));
        Assert.Equal(0, (await CountsAsync(Cluster)).Totals["u1"]);
    }

    [Fact]
    public async Task HeartbeatAsync_GrantWhosePubSubMessageWasLost_IsReturnedUntilAcknowledged()
    {
        var holder = await StoreAsync("a", new GrantInbox());
        var deaf = await StoreAsync("b", new GrantInbox());
        await holder.AcquireAsync(Cluster, "a:1", LongWait, 10, [new("u1", 1)], default);
        await deaf.AcquireAsync(Cluster, "b:1", LongWait, 10, [new("u1", 1)], default);

        // Replica b loses its subscription (a reconnect, say) just as its grant is published: nobody hears it.
        await deaf.DisposeAsync();
        _stores.Remove(deaf);
        await holder.ReleaseAsync(Cluster, "u1", "a:1", default);
        var inbox = new GrantInbox();
        var back = await StoreAsync("b", inbox);

        var recovered = await back.HeartbeatAsync(Cluster, [], [], default);
        var again = await back.HeartbeatAsync(Cluster, [], [], default);
        var acknowledged = await back.HeartbeatAsync(Cluster, ["b:1"], [new FleetLease("u1", "b:1")], default);
        var afterAck = await back.HeartbeatAsync(Cluster, [], [new FleetLease("u1", "b:1")], default);

        Assert.Equal(0, inbox.Count);
        Assert.Equal([new FleetGrant(Cluster, "b:1", "u1")], recovered.Unacknowledged);
        Assert.Equal(recovered.Unacknowledged, again.Unacknowledged);
        Assert.Empty(acknowledged.Unacknowledged);
        Assert.Empty(afterAck.Unacknowledged);
        Assert.Equal(2, afterAck.LiveReplicas);
        Assert.Equal(1, (await CountsAsync(Cluster)).Totals["u1"]);
    }

    [Theory]
    [InlineData(0.0, "u1")]
    [InlineData(0.34, "u2")]
    [InlineData(0.99, "u3")]
    public async Task AcquireAsync_TiedDestinations_TheTieNumberPicksAmongThemInCandidateOrder(double r, string expected)
    {
        var store = await StoreAsync("a", new GrantInbox(), new FixedRandom(r));

        var tied = await store.AcquireAsync("ties", "a:1", LongWait, 10, [new("u1", 4), new("u2", 4), new("u3", 4)], default);
        var reversed = await store.AcquireAsync("ties2", "a:1", LongWait, 10, [new("u3", 4), new("u2", 4), new("u1", 4)], default);

        // A lower share wins over any tie: u2 at 1/4 against u1 and u3 at 0/4 (and 1/8 below 1/4 at a larger limit).
        await store.AcquireAsync("shares", "a:1", LongWait, 10, [new("u2", 4)], default);
        var byShare = await store.AcquireAsync("shares", "a:2", LongWait, 10, [new("u1", 4), new("u2", 4), new("u3", 4)], default);
        await store.AcquireAsync("shares8", "a:1", LongWait, 10, [new("u1", 8)], default);
        await store.AcquireAsync("shares8", "a:2", LongWait, 10, [new("u2", 4)], default);
        var byLargerLimit = await store.AcquireAsync("shares8", "a:3", LongWait, 10, [new("u2", 4), new("u1", 8)], default);

        Assert.Equal(expected, tied.Destination);
        Assert.Equal(expected switch { "u1" => "u3", "u3" => "u1", _ => "u2" }, reversed.Destination);
        Assert.Equal(r < 0.5 ? "u1" : "u3", byShare.Destination);
        Assert.Equal("u1", byLargerLimit.Destination);
    }

    [Fact]
    public async Task AcquireAsync_DestinationWithoutAKnownLimit_IsSkipped_UntilAReplicaLearnsOne()
    {
        var inbox = new GrantInbox();
        var store = await StoreAsync("a", inbox);

        var unknown = await store.AcquireAsync(Cluster, "a:1", LongWait, 10, [new("u1", null)], default);
        var other = await store.AcquireAsync(Cluster, "a:2", LongWait, 10, [new("u1", 0), new("u2", 2)], default);
        var learned = await store.AcquireAsync(Cluster, "a:3", LongWait, 10, [new("u1", 2)], default);
        var fromFleet = await store.AcquireAsync(Cluster, "a:4", LongWait, 10, [new("u1", null)], default);

        // Nobody knew u1's limit, so a:1 waited; u2's limit, learned by a:2's acquire, served a:1 there first.
        Assert.Equal(FleetAcquireKind.Queued, unknown.Kind);
        Assert.Equal("u2", (await inbox.WaitAsync("a:1")).Destination);
        Assert.Equal("u2", other.Destination);

        // a:3 taught the fleet u1's limit; a:4, which did not know it, is served by the fleet's.
        Assert.Equal("u1", learned.Destination);
        Assert.Equal("u1", fromFleet.Destination);
        Assert.Equal("2", (string?)await _check.GetDatabase().HashGetAsync("{gw:demo}:limits", "u1"));
        var counts = await CountsAsync(Cluster);
        Assert.Equal(new Dictionary<string, int> { ["u1"] = 2, ["u2"] = 2 }, counts.Totals);
        Assert.Equal(counts.Totals, counts.Leases);
    }

    [Fact]
    public async Task AcquireAsync_ServerThatLostTheScripts_RunsThemAgainByEval()
    {
        var store = await StoreAsync("a", new GrantInbox());
        await store.AcquireAsync(Cluster, "a:1", LongWait, 10, [new("u1", 5)], default);
        var before = store.RoundTrips;
        await store.AcquireAsync(Cluster, "a:2", LongWait, 10, [new("u1", 5)], default);
        var cached = store.RoundTrips - before;
        await _check.GetServer(_check.GetEndPoints()[0]).ScriptFlushAsync();

        var afterFlush = await store.AcquireAsync(Cluster, "a:3", LongWait, 10, [new("u1", 5)], default);

        Assert.Equal(1, cached);
        Assert.Equal(FleetAcquireKind.Granted, afterFlush.Kind);
        Assert.Equal(before + 3, store.RoundTrips);
    }

    [Fact]
    public async Task AcquireAsync_DeadRedis_FailsWithACatchableExceptionWithinTheTimeout_AndTheStoreWorksAgainAfterRestart()
    {
        var inbox = new GrantInbox();
        var settings = new FleetStoreSettings { ReplicaId = "a", Timeout = TimeSpan.FromMilliseconds(250) };
        var store = await RedisFleetStore.ConnectAsync(_redis.Configuration, settings, inbox.Add, TimeProvider.System, new Random(1));
        _stores.Add(store);
        await UntilSubscribedAsync("a");
        await store.AcquireAsync(Cluster, "a:0", LongWait, 10, [new("u1", 1)], default);

        await _redis.StopAsync();
        var failures = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.StartNew();
            await Assert.ThrowsAsync<FleetStoreException>(() => store.AcquireAsync(Cluster, $"a:{i + 1}", LongWait, 10, [new("u1", 1)], default));
            failures.Add(started.Elapsed);
        }

        output.WriteLine($"while Redis is dead, calls fail in {string.Join(", ", failures.Select(f => $"{f.TotalMilliseconds:0.0} ms"))}");
        Assert.All(failures, f => Assert.True(f < TimeSpan.FromMilliseconds(500), $"a call on a dead Redis took {f.TotalMilliseconds:0} ms"));
        Assert.Equal(5, store.Failures);

        // Restarted empty on the same port: the store reconnects by itself, loads its scripts again and resubscribes.
        await _redis.RestartAsync();
        var back = Stopwatch.StartNew();
        var first = await Eventually.ValueAsync(
            () => TryAcquireAsync(store, "a:10", [new("u1", 1)]), result => result is not null, "the store works again after the restart");

        output.WriteLine($"back {back.ElapsedMilliseconds} ms after the restart");
        Assert.Equal(FleetAcquireKind.Granted, first?.Kind);
        await UntilSubscribedAsync("a");
        var other = await StoreAsync("b", new GrantInbox(), time: TimeProvider.System);
        Assert.Equal(FleetAcquireKind.Granted, (await other.AcquireAsync(Cluster, "b:1", LongWait, 10, [new("u2", 1)], default)).Kind);
        Assert.Equal(FleetAcquireKind.Queued, (await store.AcquireAsync(Cluster, "a:11", LongWait, 10, [new("u2", 1)], default)).Kind);
        await other.ReleaseAsync(Cluster, "u2", "b:1", default);
        Assert.Equal("u2", (await inbox.WaitAsync("a:11", TimeSpan.FromSeconds(5))).Destination);
    }

    [Fact]
    public async Task ConnectAsync_RedisDownAtStart_ReturnsWithinTheConnectTimeout_AndTheStoreHearsGrantsOnceRedisIsUp()
    {
        await _redis.StopAsync();
        var inbox = new GrantInbox();
        var settings = new FleetStoreSettings { ReplicaId = "a", Timeout = TimeSpan.FromMilliseconds(250) };
        var started = Stopwatch.StartNew();
        var store = await RedisFleetStore.ConnectAsync(_redis.Configuration, settings, inbox.Add, TimeProvider.System, new Random(1));
        _stores.Add(store);
        var connected = started.Elapsed;
        var subscribed = await store.Subscribed;
        await Assert.ThrowsAsync<FleetStoreException>(() => store.AcquireAsync(Cluster, "a:0", LongWait, 10, [new("u1", 1)], default));

        await _redis.RestartAsync();
        var other = await StoreAsync("b", new GrantInbox(), time: TimeProvider.System);
        await other.AcquireAsync(Cluster, "b:1", LongWait, 10, [new("u1", 1)], default);
        var back = Stopwatch.StartNew();
        var queued = await Eventually.ValueAsync(
            () => TryAcquireAsync(store, "a:1", [new("u1", 1)]), result => result is not null, "the store reaches Redis once it is up");

        await UntilSubscribedAsync("a");
        await other.ReleaseAsync(Cluster, "u1", "b:1", default);
        output.WriteLine($"connect returned after {connected.TotalMilliseconds:0} ms (subscribed: {subscribed}); store back {back.ElapsedMilliseconds} ms after the restart");
        // A refused connection fails at once; the bound is the connect attempts' worst case (3 x 1 s) plus slack.
        Assert.True(connected < TimeSpan.FromSeconds(5), $"ConnectAsync waited {connected.TotalMilliseconds:0} ms on a dead Redis");
        Assert.False(subscribed);
        Assert.Equal(FleetAcquireKind.Queued, queued?.Kind);

        // The subscription the first attempt could not make was made by the reconnect (UntilSubscribedAsync above).
        Assert.Equal("u1", (await inbox.WaitAsync("a:1", TimeSpan.FromSeconds(5))).Destination);
    }

    [Fact]
    public async Task AcquireAsync_FrozenRedis_FailsWithinTheTimeout_AndWorksAgainWhenItThaws()
    {
        var settings = new FleetStoreSettings { ReplicaId = "a", Timeout = TimeSpan.FromMilliseconds(250) };
        var store = await RedisFleetStore.ConnectAsync(_redis.Configuration, settings, _ => { }, TimeProvider.System, new Random(1));
        _stores.Add(store);
        await store.AcquireAsync(Cluster, "a:0", LongWait, 10, [new("u1", 5)], default);

        _redis.Freeze(true);
        var started = Stopwatch.StartNew();
        try
        {
            await Assert.ThrowsAsync<FleetStoreException>(() => store.AcquireAsync(Cluster, "a:1", LongWait, 10, [new("u1", 5)], default));
        }
        finally
        {
            _redis.Freeze(false);
        }

        var failedAfter = started.Elapsed;
        output.WriteLine($"frozen Redis: failed after {failedAfter.TotalMilliseconds:0} ms");
        Assert.InRange(failedAfter, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(900));
        Assert.Equal(FleetAcquireKind.Granted, (await store.AcquireAsync(Cluster, "a:2", LongWait, 10, [new("u1", 5)], default)).Kind);
    }

    [Fact]
    public async Task AcquireAsync_CallerCancels_SurfacesAsCancellationNotAsAStoreFailure()
    {
        var store = await StoreAsync("a", new GrantInbox());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AcquireAsync(Cluster, "a:1", LongWait, 10, [new("u1", 1)], cancelled.Token));
        Assert.Equal(0, store.Failures);
    }

    [Fact]
    public async Task RoundTrips_PerProxiedRequest_AndMicrosecondsPerCallAgainstALocalRedis()
    {
        var inbox = new GrantInbox();
        var store = await StoreAsync("a", inbox, time: TimeProvider.System);
        var other = await StoreAsync("b", new GrantInbox(), time: TimeProvider.System);
        FleetCandidate[] eight = [.. Enumerable.Range(1, 8).Select(i => new FleetCandidate($"u{i}", 1_000_000))];
        FleetCandidate[] one = [new("solo", 1)];
        await store.AcquireAsync("warm", "a:w", LongWait, 10, eight, default);
        await store.ReleaseAsync("warm", "u1", "a:w", default);
        await other.AcquireAsync("warm", "b:w", LongWait, 10, eight, default);
        await store.CancelAsync("warm", "a:none", default);

        // Uncontended: acquire, release.
        var before = store.RoundTrips;
        var granted = await store.AcquireAsync(Cluster, "a:u", LongWait, 10, eight, default);
        await store.ReleaseAsync(Cluster, granted.Destination!, "a:u", default);
        var uncontended = store.RoundTrips - before;

        // Queued: acquire (queued), the grant by pub/sub, release. The holder's release is its own request's.
        await other.AcquireAsync(Cluster, "b:h", LongWait, 10, one, default);
        before = store.RoundTrips;
        await store.AcquireAsync(Cluster, "a:q", LongWait, 10, one, default);
        await other.ReleaseAsync(Cluster, "solo", "b:h", default);
        await store.ReleaseAsync(Cluster, (await inbox.WaitAsync("a:q")).Destination, "a:q", default);
        var queued = store.RoundTrips - before;

        // Aborted while queued: acquire, cancel.
        await other.AcquireAsync(Cluster, "b:h2", LongWait, 10, one, default);
        before = store.RoundTrips;
        await store.AcquireAsync(Cluster, "a:x", LongWait, 10, one, default);
        var cancel = await store.CancelAsync(Cluster, "a:x", default);
        var aborted = store.RoundTrips - before;
        Assert.True(cancel.WasQueued);

        const int Calls = 2000;
        var acquire = new double[Calls];
        var release = new double[Calls];
        for (var i = 0; i < Calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await store.AcquireAsync("bench", $"a:b{i}", LongWait, 10, eight, default);
            var between = Stopwatch.GetTimestamp();
            await store.ReleaseAsync("bench", result.Destination!, $"a:b{i}", default);
            acquire[i] = Stopwatch.GetElapsedTime(started, between).TotalMicroseconds;
            release[i] = Stopwatch.GetElapsedTime(between).TotalMicroseconds;
        }

        static string Summary(double[] us) => string.Create(CultureInfo.InvariantCulture,
            $"p50 {us.Order().ElementAt(us.Length / 2):0} µs, mean {us.Average():0} µs, p99 {us.Order().ElementAt(us.Length * 99 / 100):0} µs");
        output.WriteLine(
            $"round trips per request: uncontended {uncontended}, queued {queued}, aborted while queued {aborted}; " +
            $"{Calls} sequential calls, 8 candidates: ACQUIRE {Summary(acquire)}; RELEASE {Summary(release)}");
        Assert.Equal((2, 2, 2), (uncontended, queued, aborted));
    }

    private async Task<RedisFleetStore> StoreAsync(string replica, GrantInbox inbox, Random? random = null, TimeProvider? time = null)
    {
        var settings = new FleetStoreSettings { ReplicaId = replica, Timeout = TimeSpan.FromSeconds(5) };
        var store = await RedisFleetStore.ConnectAsync(_redis.Configuration, settings, inbox.Add, time ?? _time, random ?? new Random(42), onReclaim: inbox.Reclaim);
        _stores.Add(store);
        await UntilSubscribedAsync(replica);
        return store;
    }

    /// <summary>
    /// Waits until Redis has the replica's grant channel subscribed. The store's first attempt can fail on a machine so
    /// loaded that the connection is not up yet; StackExchange.Redis then subscribes when it is.
    /// </summary>
    private async Task UntilSubscribedAsync(string replica)
    {
        var server = _check.GetServer(_check.GetEndPoints()[0]);
        var channel = RedisChannel.Literal(RedisFleetStore.GrantChannelPrefix + replica);
        await Eventually.ValueAsync(
            () => server.SubscriptionSubscriberCountAsync(channel), subscribers => subscribers > 0, $"replica {replica} subscribed to its grant channel");
    }

    /// <summary>An acquire for <paramref name="leaseId"/>, or null while the store cannot reach Redis.</summary>
    private static async Task<FleetAcquireResult?> TryAcquireAsync(RedisFleetStore store, string leaseId, FleetCandidate[] candidates)
    {
        try
        {
            return await store.AcquireAsync(Cluster, leaseId, LongWait, 10, candidates, default);
        }
        catch (FleetStoreException)
        {
            return null;
        }
    }

    /// <summary>The cluster's <c>total</c> hash and the leases counted per destination, read straight from Redis.</summary>
    private async Task<(Dictionary<string, int> Totals, Dictionary<string, int> Leases)> CountsAsync(string cluster)
    {
        var db = _check.GetDatabase();
        var totals = (await db.HashGetAllAsync($"{{gw:{cluster}}}:total")).ToDictionary(e => (string)e.Name!, e => (int)e.Value);
        var leases = (await db.SortedSetRangeByRankAsync($"{{gw:{cluster}}}:leases"))
            .GroupBy(m => ((string)m!)[..((string)m!).LastIndexOf('|')])
            .ToDictionary(g => g.Key, g => g.Count());
        foreach (var (destination, total) in totals)
        {
            if (total == 0)
            {
                leases.TryAdd(destination, 0);
            }
        }

        return (totals, leases);
    }
}
