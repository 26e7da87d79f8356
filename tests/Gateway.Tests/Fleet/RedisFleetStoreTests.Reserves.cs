using Gateway.Fleet;

namespace Gateway.Tests.Fleet;

/// <summary>Reserves in the store: KEEP, TOP-UP, the reclaim a waiting request sends, and what a release or a dead replica clears.</summary>
public sealed partial class RedisFleetStoreTests
{
    private const string Reserved = "{gw:demo}:reserved";

    [Fact]
    public async Task KeepAsync_NobodyWaits_TheSlotStaysCountedAndMarked_ElseItGoesToTheOldestTicket()
    {
        var a = await StoreAsync("a", new GrantInbox());
        var bInbox = new GrantInbox();
        var b = await StoreAsync("b", bInbox);
        FleetCandidate[] one = [new("u1", 1)];
        await a.AcquireAsync(Cluster, "a:1", LongWait, 10, one, default);

        Assert.True(await a.KeepAsync(Cluster, "u1", "a:1", freeToLeave: 0, default));
        Assert.Equal(1, (await CountsAsync(Cluster)).Totals["u1"]);
        Assert.Equal("a", (string?)await _check.GetDatabase().HashGetAsync(Reserved, "a:1"));

        // b queues behind the reserved slot; the next keep of it (its request finished again) gives it to b instead.
        Assert.Equal(FleetAcquireKind.Queued, (await b.AcquireAsync(Cluster, "b:1", LongWait, 10, one, default)).Kind);
        Assert.False(await a.KeepAsync(Cluster, "u1", "a:1", freeToLeave: 0, default));

        Assert.Equal(new FleetGrant(Cluster, "b:1", "u1"), await bInbox.WaitAsync("b:1"));
        var counts = await CountsAsync(Cluster);
        Assert.Equal(1, counts.Totals["u1"]);
        Assert.Equal(counts.Totals, counts.Leases);
        Assert.False(await _check.GetDatabase().HashExistsAsync(Reserved, "a:1"));
    }

    [Fact]
    public async Task KeepAsync_LeaseThatExpired_IsNotBroughtBack()
    {
        var a = await StoreAsync("a", new GrantInbox());
        await a.AcquireAsync(Cluster, "a:1", LongWait, 10, [new("u1", 1)], default);
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.False(await a.KeepAsync(Cluster, "u1", "a:1", freeToLeave: 0, default));
        Assert.Equal(0, (await CountsAsync(Cluster)).Totals["u1"]);
    }

    [Fact]
    public async Task TopUpAsync_GrantsWhileThereIsRoom_PickedAsAnAcquireIs_AndNothingWhileATicketWaits()
    {
        var a = await StoreAsync("a", new GrantInbox());
        var b = await StoreAsync("b", new GrantInbox());
        FleetCandidate[] two = [new("u1", 2), new("u2", 1)];

        var first = await a.TopUpAsync(Cluster, ["a:r1", "a:r2"], [0, 0], two, default);
        Assert.Equal(["a:r1", "a:r2"], first.Select(l => l.LeaseId));
        Assert.Equal(["u1", "u2"], first.Select(l => l.Destination).Order());

        // One slot left (u1's second): b's top-up of three gets it alone.
        var second = await b.TopUpAsync(Cluster, ["b:r1", "b:r2", "b:r3"], [0, 0, 0], two, default);
        Assert.Equal([new FleetLease("u1", "b:r1")], second);
        var counts = await CountsAsync(Cluster);
        Assert.Equal(new Dictionary<string, int> { ["u1"] = 2, ["u2"] = 1 }, counts.Totals);
        Assert.Equal(counts.Totals, counts.Leases);
        Assert.Equal(3, await _check.GetDatabase().HashLengthAsync(Reserved));

        // Full, and a ticket waits: a freed slot goes to the ticket, never to a top-up.
        Assert.Equal(FleetAcquireKind.Queued, (await b.AcquireAsync(Cluster, "b:1", LongWait, 10, two, default)).Kind);
        await a.ReleaseAsync(Cluster, "u2", "a:r2", default);
        await b.ReleaseAsync(Cluster, "u1", "b:r1", default);
        Assert.Empty(await a.TopUpAsync(Cluster, ["a:r3"], [0], two, default));
        Assert.Equal(1, await _check.GetDatabase().HashLengthAsync(Reserved));
    }

    [Fact]
    public async Task AcquireAsync_Queued_EveryReplicaHoldingAReserveIsAskedForOne_AndOnlyThose()
    {
        var (aInbox, bInbox, cInbox) = (new GrantInbox(), new GrantInbox(), new GrantInbox());
        var a = await StoreAsync("a", aInbox);
        var b = await StoreAsync("b", bInbox);
        var c = await StoreAsync("c", cInbox);
        FleetCandidate[] three = [new("u1", 3)];
        Assert.Equal(2, (await a.TopUpAsync(Cluster, ["a:r1", "a:r2"], [0, 0], three, default)).Count);
        Assert.Single(await b.TopUpAsync(Cluster, ["b:r1"], [0], three, default));

        Assert.Equal(FleetAcquireKind.Queued, (await c.AcquireAsync(Cluster, "c:1", LongWait, 10, three, default)).Kind);

        Assert.True(await aInbox.WaitForReclaimAsync());
        Assert.True(await bInbox.WaitForReclaimAsync());
        Assert.Equal([Cluster], aInbox.Reclaims);
        Assert.Equal([Cluster], bInbox.Reclaims);
        Assert.Empty(cInbox.Reclaims);

        // a gives one back, as the gateway does on a reclaim: the waiting ticket gets it.
        await a.ReleaseAsync(Cluster, "u1", "a:r1", default);
        Assert.Equal(new FleetGrant(Cluster, "c:1", "u1"), await cInbox.WaitAsync("c:1"));
        Assert.False(await _check.GetDatabase().HashExistsAsync(Reserved, "a:r1"));
    }

    [Fact]
    public async Task HeartbeatAsync_ReplicaThoughtDead_IsStillAskedForItsReserve_UntilItsLeasesExpire()
    {
        var staller = new GrantInbox();
        var stalled = await StoreAsync("stalled", staller);
        var survivor = await StoreAsync("alive", new GrantInbox());
        FleetCandidate[] one = [new("u1", 1)];
        Assert.Single(await stalled.TopUpAsync(Cluster, ["stalled:r1"], [0], one, default));

        // Past its alive time, not its lease: the survivor's heartbeat drops it as a replica, but a request that has
        // to wait still asks it for the slot it holds.
        _time.Advance(TimeSpan.FromSeconds(4));
        await survivor.HeartbeatAsync(Cluster, [], [], default);
        Assert.Equal(FleetAcquireKind.Queued, (await survivor.AcquireAsync(Cluster, "alive:1", LongWait, 10, one, default)).Kind);
        Assert.True(await staller.WaitForReclaimAsync());

        // Never renewed, its lease expires, and the sweep takes the slot and the mark.
        _time.Advance(TimeSpan.FromSeconds(7));
        await survivor.HeartbeatAsync(Cluster, [], [], default);
        Assert.Equal(0, await _check.GetDatabase().HashLengthAsync(Reserved));
        Assert.Equal(1, (await CountsAsync(Cluster)).Totals["u1"]);
    }

    [Fact]
    public async Task KeepAsync_FewerSlotsFreeThanTheReplicaMustLeave_ReleasesIt()
    {
        var a = await StoreAsync("a", new GrantInbox());
        FleetCandidate[] three = [new("u1", 3)];
        await a.AcquireAsync(Cluster, "a:1", LongWait, 10, three, default);
        await a.AcquireAsync(Cluster, "a:2", LongWait, 10, three, default);

        // One slot free, two asked to stay free: released, as a release would.
        Assert.False(await a.KeepAsync(Cluster, "u1", "a:1", freeToLeave: 2, default));
        Assert.Equal(1, (await CountsAsync(Cluster)).Totals["u1"]);
        Assert.False(await _check.GetDatabase().HashExistsAsync(Reserved, "a:1"));

        // Now two are free.
        Assert.True(await a.KeepAsync(Cluster, "u1", "a:2", freeToLeave: 2, default));
        Assert.Equal(1, (await CountsAsync(Cluster)).Totals["u1"]);
        Assert.Equal("a", (string?)await _check.GetDatabase().HashGetAsync(Reserved, "a:2"));
    }

    [Fact]
    public async Task TopUpAsync_EachSlotOnlyWhileTheFleetStillHasItsFreeSlotsToLeave()
    {
        var a = await StoreAsync("a", new GrantInbox());
        FleetCandidate[] two = [new("u1", 4), new("u2", 4)];

        // 8 free: the first leaves 7 (at least 1), the second 6 (at least 6), the third would leave 5 of 11.
        var granted = await a.TopUpAsync(Cluster, ["a:r1", "a:r2", "a:r3"], [1, 6, 11], two, default);

        Assert.Equal(["a:r1", "a:r2"], granted.Select(l => l.LeaseId));
        Assert.Equal(2, await _check.GetDatabase().HashLengthAsync(Reserved));
    }

    [Fact]
    public async Task FreeSlots_FollowAChangedLimit_AndKeysWrittenBeforeTheSumAreCountedFromTheLimits()
    {
        var a = await StoreAsync("a", new GrantInbox());
        var first = await a.AcquireAsync(Cluster, "a:1", LongWait, 10, [new("u1", 2), new("u2", 2)], default);
        Assert.Equal(4, (long)await _check.GetDatabase().StringGetAsync("{gw:demo}:limitsum"));

        // u2's limit rises to 5: 7 in all, 2 in use, so a keep that must leave 5 is kept.
        var second = await a.AcquireAsync(Cluster, "a:2", LongWait, 10, [new("u1", 0), new("u2", 5)], default);
        Assert.Equal(7, (long)await _check.GetDatabase().StringGetAsync("{gw:demo}:limitsum"));
        Assert.True(await a.KeepAsync(Cluster, first.Destination!, "a:1", freeToLeave: 5, default));

        // As after an upgrade from a version without the sum: the next call counts it from the stored limits.
        await _check.GetDatabase().KeyDeleteAsync("{gw:demo}:limitsum");
        Assert.False(await a.KeepAsync(Cluster, second.Destination!, "a:2", freeToLeave: 6, default));
        Assert.Equal(7, (long)await _check.GetDatabase().StringGetAsync("{gw:demo}:limitsum"));
    }
}
