using Gateway.Admission.Redis;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Admission;

public sealed class TenantReservoirTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task TakeFromSharedAsync_GrantOfSeveral_AdmitsThisRequestAndKeepsTheRestInReserve()
    {
        var reservoir = new TenantReservoir(_time);

        var decision = await reservoir.TakeFromSharedAsync(() => Grant(granted: 5, remaining: 50), 100, 100);
        var fromReserve = reservoir.TryTake(100, 100, batch: 5, TimeSpan.FromSeconds(1), out _);

        Assert.True(decision.Taken);
        Assert.NotNull(fromReserve);
        Assert.True(fromReserve.Value.Taken);
        Assert.Equal(3, reservoir.Reserved);
    }

    [Fact]
    public async Task TryTake_ReservedTokensOlderThanTheLifetime_AreDroppedNotHoarded()
    {
        var reservoir = new TenantReservoir(_time);
        await reservoir.TakeFromSharedAsync(() => Grant(granted: 5, remaining: 50), 100, 100);

        _time.Advance(TimeSpan.FromMilliseconds(1001));
        var stale = reservoir.TryTake(100, 100, batch: 5, TimeSpan.FromSeconds(1), out _);

        Assert.Null(stale);
        Assert.Equal(0, reservoir.Reserved);
    }

    [Fact]
    public async Task TryTake_SharedBucketSaidEmpty_RefusesLocallyWithWhatIsLeftOfItsWait_ThenAsksAgain()
    {
        var reservoir = new TenantReservoir(_time);
        var refused = await reservoir.TakeFromSharedAsync(() => Grant(granted: 0, remaining: 0.2, retryAfterMs: 400), 2, 10);

        _time.Advance(TimeSpan.FromMilliseconds(150));
        var local = reservoir.TryTake(2, 10, batch: 5, TimeSpan.FromSeconds(1), out var topUp);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        var due = reservoir.TryTake(2, 10, batch: 5, TimeSpan.FromSeconds(1), out _);

        Assert.False(refused.Taken);
        Assert.Equal(TimeSpan.FromMilliseconds(400), refused.RetryAfter);
        Assert.NotNull(local);
        Assert.False(local.Value.Taken);
        Assert.Equal(TimeSpan.FromMilliseconds(250), local.Value.RetryAfter);
        Assert.False(topUp);
        Assert.Null(due);
    }

    [Fact]
    public async Task Want_SharedBucketNearlyEmpty_AsksForOneTokenNotABatch()
    {
        var reservoir = new TenantReservoir(_time);
        Assert.Equal(10, reservoir.Want(10));

        await reservoir.TakeFromSharedAsync(() => Grant(granted: 1, remaining: 3), 100, 100);

        Assert.Equal(1, reservoir.Want(10));
    }

    [Fact]
    public async Task TryTake_ReserveDownToHalfABatchWhileTheSharedBucketHasPlenty_AsksForATopUp()
    {
        var reservoir = new TenantReservoir(_time);
        await reservoir.TakeFromSharedAsync(() => Grant(granted: 6, remaining: 80), 100, 100);

        // 5 kept: 4 and 3 left are above half the batch of 4; 2 left is not.
        reservoir.TryTake(100, 100, batch: 4, TimeSpan.FromSeconds(1), out var atFour);
        reservoir.TryTake(100, 100, batch: 4, TimeSpan.FromSeconds(1), out var atThree);
        reservoir.TryTake(100, 100, batch: 4, TimeSpan.FromSeconds(1), out var atTwo);

        Assert.False(atFour);
        Assert.False(atThree);
        Assert.True(atTwo);
    }

    private static Task<RedisGrant> Grant(int granted, double remaining, int retryAfterMs = 0) =>
        Task.FromResult(new RedisGrant(granted, remaining, TimeSpan.FromMilliseconds(retryAfterMs), TimeSpan.FromSeconds(1)));
}
