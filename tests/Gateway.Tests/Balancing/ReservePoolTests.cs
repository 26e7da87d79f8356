using Gateway.Balancing;

namespace Gateway.Tests.Balancing;

public sealed class ReservePoolTests
{
    [Fact]
    public void Keeps_UpToTheMostCountingThoseOnTheirWay()
    {
        var pool = new ReservePool<string>(2);

        Assert.True(pool.TryBeginKeep(out _));
        Assert.True(pool.TryBeginKeep(out _));
        Assert.False(pool.TryBeginKeep(out _));
        Assert.True(pool.EndKeep("a", kept: true));
        Assert.False(pool.EndKeep("b", kept: false));

        Assert.Equal(1, pool.Count);
        Assert.True(pool.TryBeginKeep(out _));
    }

    [Fact]
    public void FreeSlotsToLeave_GrowWithWhatTheReplicaHolds_CountingThoseOnTheirWay()
    {
        var pool = new ReservePool<string>(3);

        Assert.True(pool.TryBeginKeep(out var first));
        Assert.True(pool.TryBeginKeep(out var second));
        Assert.True(pool.EndKeep("a", kept: true));
        Assert.Equal(1, pool.TryBeginTopUp(out var held));

        Assert.Equal((1, 6), (first, second));
        Assert.Equal(2, held);
        Assert.Equal(11, ReservePool<string>.FreeSlotsToLeave(held));
    }

    [Fact]
    public void Zero_KeepsNothingAndTopsUpNothing()
    {
        var pool = new ReservePool<string>(0);

        Assert.False(pool.TryBeginKeep(out _));
        Assert.Equal(0, pool.TryBeginTopUp(out _));
    }

    [Fact]
    public void TopUp_AsksForWhatIsMissing_OneCallAtATime()
    {
        var pool = new ReservePool<string>(3);
        Assert.True(pool.TryBeginKeep(out _));
        Assert.True(pool.EndKeep("a", kept: true));

        Assert.Equal(2, pool.TryBeginTopUp(out _));
        Assert.Equal(0, pool.TryBeginTopUp(out _));
        Assert.False(pool.TryBeginKeep(out _));

        // One of the two granted: the other is no longer on its way, so a keep fits again.
        Assert.Empty(pool.EndTopUp(2, ["b"]));
        Assert.Equal(2, pool.Count);
        Assert.True(pool.TryBeginKeep(out _));
    }

    [Fact]
    public void TryTake_TakesOnlyAUsableSlot_TheNewestFirst()
    {
        var pool = new ReservePool<string>(3);
        Assert.Empty(pool.EndTopUp(pool.TryBeginTopUp(out _), ["a", "b", "c"]));

        Assert.True(pool.TryTake(s => s != "c", out var taken));
        Assert.Equal("b", taken);
        Assert.False(pool.TryTake(s => s == "x", out _));
        Assert.Equal(2, pool.Count);
    }

    [Fact]
    public void ReclaimOne_GivesTheOldestBack_OrTheNextToArrive()
    {
        var pool = new ReservePool<string>(2);
        Assert.True(pool.TryBeginKeep(out _));
        Assert.True(pool.EndKeep("a", kept: true));
        Assert.True(pool.TryBeginKeep(out _));

        Assert.True(pool.TryReclaimOne(out var first));
        Assert.Equal("a", first);

        // Nothing held, one keep on its way: that one goes back when it arrives.
        Assert.False(pool.TryReclaimOne(out _));
        Assert.False(pool.EndKeep("b", kept: true));
        Assert.Equal(0, pool.Count);

        // And the mark is spent: the next keep is held.
        Assert.True(pool.TryBeginKeep(out _));
        Assert.True(pool.EndKeep("c", kept: true));
    }

    [Fact]
    public void ReclaimOne_WithNothingOnItsWay_MarksNothing()
    {
        var pool = new ReservePool<string>(2);

        Assert.False(pool.TryReclaimOne(out _));
        Assert.True(pool.TryBeginKeep(out _));
        Assert.True(pool.EndKeep("a", kept: true));
    }

    [Fact]
    public void ReclaimAll_ReturnsWhatIsHeld_AndReleasesWhatIsOnItsWay()
    {
        var pool = new ReservePool<string>(3);
        Assert.True(pool.TryBeginKeep(out _));
        Assert.True(pool.EndKeep("a", kept: true));
        var asked = pool.TryBeginTopUp(out _);

        Assert.Equal(["a"], pool.ReclaimAll());
        Assert.Equal(["b"], pool.EndTopUp(asked, ["b"]));
        Assert.Equal(0, pool.Count);

        // The top-up asked for two and got one: the mark for the other ends with the call, not on a later keep.
        Assert.True(pool.TryBeginKeep(out _));
        Assert.True(pool.EndKeep("c", kept: true));
    }

    [Fact]
    public void ConcurrentTakesAndReclaims_HandEachSlotOutOnce()
    {
        var pool = new ReservePool<int>(1000);
        Assert.Empty(pool.EndTopUp(pool.TryBeginTopUp(out _), [.. Enumerable.Range(0, 1000)]));
        var handed = new System.Collections.Concurrent.ConcurrentBag<int>();

        Parallel.For(0, 2000, i =>
        {
            if (i % 2 == 0 ? pool.TryTake(_ => true, out var slot) : pool.TryReclaimOne(out slot))
            {
                handed.Add(slot);
            }
        });

        Assert.Equal(1000, handed.Count);
        Assert.Equal(1000, handed.Distinct().Count());
        Assert.Equal(0, pool.Count);
    }
}
