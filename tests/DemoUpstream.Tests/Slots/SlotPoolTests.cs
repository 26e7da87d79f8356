using DemoUpstream.Slots;

namespace DemoUpstream.Tests.Slots;

public sealed class SlotPoolTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_FewerThanOneSlot_Throws(int slots)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlotPool(slots));
    }

    [Fact]
    public void AcquireAsync_FirstNAcquires_CompleteSynchronously()
    {
        var pool = new SlotPool(3);

        var acquires = Enumerable.Range(0, 3).Select(_ => pool.AcquireAsync(CancellationToken.None)).ToArray();

        Assert.All(acquires, task => Assert.True(task.IsCompletedSuccessfully));
        Assert.Equal(3, pool.Busy);
        Assert.Equal(0, pool.QueueLength);
        Assert.Equal(3, pool.InFlight);
    }

    [Fact]
    public void AcquireAsync_AllSlotsBusy_Waits()
    {
        var pool = new SlotPool(2);
        _ = pool.AcquireAsync(CancellationToken.None);
        _ = pool.AcquireAsync(CancellationToken.None);

        var third = pool.AcquireAsync(CancellationToken.None);

        Assert.False(third.IsCompleted);
        Assert.Equal(2, pool.Busy);
        Assert.Equal(1, pool.QueueLength);
        Assert.Equal(3, pool.InFlight);
    }

    [Fact]
    public async Task Release_WithThreeWaiters_HandsSlotsOutInArrivalOrder()
    {
        var pool = new SlotPool(1);
        await pool.AcquireAsync(CancellationToken.None);
        var waiters = Enumerable.Range(0, 3).Select(_ => pool.AcquireAsync(CancellationToken.None)).ToArray();

        for (var i = 0; i < waiters.Length; i++)
        {
            Assert.All(waiters[i..], waiter => Assert.False(waiter.IsCompleted));

            pool.Release();

            await waiters[i];
            Assert.All(waiters[(i + 1)..], waiter => Assert.False(waiter.IsCompleted));
            Assert.Equal(1, pool.Busy);
            Assert.Equal(waiters.Length - i - 1, pool.QueueLength);
        }
    }

    [Fact]
    public async Task Release_NoWaiters_FreesTheSlot()
    {
        var pool = new SlotPool(1);
        await pool.AcquireAsync(CancellationToken.None);

        pool.Release();

        Assert.Equal(0, pool.Busy);
        Assert.True(pool.AcquireAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AcquireAsync_WaiterCancelled_LeavesQueueAndNextReleaseGoesToTheNextWaiter()
    {
        var pool = new SlotPool(1);
        await pool.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = pool.AcquireAsync(cts.Token);
        var next = pool.AcquireAsync(CancellationToken.None);
        Assert.Equal(2, pool.QueueLength);

        cts.Cancel();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Equal(1, pool.QueueLength);
        Assert.Equal(2, pool.InFlight);

        pool.Release();

        await next;
        Assert.True(cancelled.IsCanceled);
        Assert.Equal(1, pool.Busy);
        Assert.Equal(0, pool.QueueLength);

        pool.Release();

        Assert.Equal(0, pool.Busy);
        Assert.Equal(0, pool.InFlight);
    }

    [Fact]
    public async Task AcquireAsync_AlreadyCancelledTokenWhileFull_IsCancelledAndNotQueued()
    {
        var pool = new SlotPool(1);
        await pool.AcquireAsync(CancellationToken.None);

        var acquire = pool.AcquireAsync(new CancellationToken(canceled: true));

        Assert.True(acquire.IsCanceled);
        Assert.Equal(0, pool.QueueLength);
        Assert.Equal(1, pool.InFlight);
    }

    [Fact]
    public async Task AcquireAsync_CancelledAfterSlotHandedOver_KeepsTheSlot()
    {
        var pool = new SlotPool(1);
        await pool.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiter = pool.AcquireAsync(cts.Token);
        pool.Release();
        await waiter;

        cts.Cancel();

        Assert.True(waiter.IsCompletedSuccessfully);
        Assert.Equal(1, pool.Busy);
        Assert.Equal(0, pool.QueueLength);
        Assert.False(pool.AcquireAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task MaxInFlight_TracksThePeakIncludingQueued()
    {
        var pool = new SlotPool(2);
        await pool.AcquireAsync(CancellationToken.None);
        await pool.AcquireAsync(CancellationToken.None);
        var queued = pool.AcquireAsync(CancellationToken.None);
        Assert.Equal(3, pool.MaxInFlight);

        pool.Release();
        await queued;
        pool.Release();

        Assert.Equal(1, pool.InFlight);
        Assert.Equal(3, pool.MaxInFlight);
    }

    [Fact]
    public async Task ResetMaxInFlight_ResetsToCurrentInFlight()
    {
        var pool = new SlotPool(1);
        await pool.AcquireAsync(CancellationToken.None);
        var queued = pool.AcquireAsync(CancellationToken.None);
        _ = pool.AcquireAsync(CancellationToken.None);
        pool.Release();
        await queued;
        Assert.Equal(3, pool.MaxInFlight);
        Assert.Equal(2, pool.InFlight);

        pool.ResetMaxInFlight();

        Assert.Equal(2, pool.MaxInFlight);

        pool.Release();
        pool.Release();
        pool.ResetMaxInFlight();
        Assert.Equal(0, pool.MaxInFlight);

        await pool.AcquireAsync(CancellationToken.None);
        Assert.Equal(1, pool.MaxInFlight);
    }

    [Fact]
    public async Task AcquireAsync_ManyConcurrentWorkers_NeverExceedSlots()
    {
        const int Slots = 3;
        var pool = new SlotPool(Slots);
        var inside = 0;
        var peak = 0;

        var workers = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await pool.AcquireAsync(CancellationToken.None);
                try
                {
                    var now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref peak, now);
                    await Task.Yield();
                    Interlocked.Decrement(ref inside);
                }
                finally
                {
                    pool.Release();
                }
            }
        }));
        await Task.WhenAll(workers);

        Assert.InRange(peak, 1, Slots);
        Assert.Equal(0, pool.Busy);
        Assert.Equal(0, pool.QueueLength);
        Assert.InRange(pool.MaxInFlight, 1, 50);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
