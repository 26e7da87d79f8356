using System.Diagnostics;
using Gateway.Admission.Redis;
using StackExchange.Redis;

namespace Gateway.Tests.Admission;

/// <summary>
/// The shared bucket's Lua script against a real redis-server. Redis's own clock drives it, so these wait real time;
/// rates are chosen so a stalled test machine can only make an assertion easier, never flip it.
/// </summary>
public sealed class RedisBucketScriptTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private IDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration + ",allowAdmin=true");
        _db = _connection.GetDatabase();
    }

    public async Task DisposeAsync()
    {
        _connection.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task TakeAsync_NewTenant_StartsFullAndGrantsUpToWhatIsAsked()
    {
        // 0.01/s: nothing refills during the test.
        var first = await RedisBucketScript.TakeAsync(_db, "t:new", 0.01, 5, 3);
        var second = await RedisBucketScript.TakeAsync(_db, "t:new", 0.01, 5, 3);
        var third = await RedisBucketScript.TakeAsync(_db, "t:new", 0.01, 5, 3);

        Assert.Equal(3, first.Granted);
        Assert.InRange(first.Remaining, 2, 2.01);
        Assert.Equal(2, second.Granted);
        Assert.Equal(0, third.Granted);
        Assert.InRange(third.Remaining, 0, 0.01);
    }

    [Fact]
    public async Task TakeAsync_EmptyBucket_RetryAfterIsTheExactWaitForTheNextToken()
    {
        // 2/s: a token every 500 ms.
        var started = Stopwatch.StartNew();
        Assert.Equal(1, (await RedisBucketScript.TakeAsync(_db, "t:exact", 2, 1, 1)).Granted);
        var refused = await RedisBucketScript.TakeAsync(_db, "t:exact", 2, 1, 1);
        var sinceFirst = started.Elapsed;

        Assert.Equal(0, refused.Granted);
        Assert.InRange(refused.RetryAfter.TotalMilliseconds, 500 - sinceFirst.TotalMilliseconds - 1, 500);

        // Waiting the wait finds the token there: it is not an underestimate. (2 ms more because .NET's timers have
        // millisecond ticks and can fire up to one early; HTTP's Retry-After is rounded up to whole seconds anyway.)
        await Task.Delay(refused.RetryAfter + TimeSpan.FromMilliseconds(2));
        Assert.Equal(1, (await RedisBucketScript.TakeAsync(_db, "t:exact", 2, 1, 1)).Granted);
    }

    [Fact]
    public async Task TakeAsync_RefillsAtTheRateUpToTheBurst()
    {
        var window = Stopwatch.StartNew();
        Assert.Equal(10, (await RedisBucketScript.TakeAsync(_db, "t:refill", 10, 10, 10)).Granted);
        await Task.Delay(350);
        var refilled = await RedisBucketScript.TakeAsync(_db, "t:refill", 10, 10, 10);
        var upper = (int)Math.Floor(10 * window.Elapsed.TotalSeconds);

        // At least about 350 ms of Redis time passed between the calls (a timer may fire a millisecond early, so not
        // a whole 4th token's 400 ms), at most the whole window.
        Assert.InRange(refilled.Granted, 3, Math.Min(10, upper));
    }

    [Fact]
    public async Task TakeAsync_SetsTheKeysTimeToLiveToTheTimeToFull_SoAnIdleTenantsKeyVanishes()
    {
        // 0.01/s, burst 2: one token taken is 100 s from full.
        var slow = await RedisBucketScript.TakeAsync(_db, "t:slow", 0.01, 2, 1);
        var ttl = await _db.KeyTimeToLiveAsync("t:slow");

        Assert.InRange(slow.FullIn.TotalSeconds, 99.99, 100.01);
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value.TotalSeconds, 95, 100);

        // 100/s, burst 10: five taken are 50 ms from full; the key is gone soon after.
        var fast = await RedisBucketScript.TakeAsync(_db, "t:fast", 100, 10, 5);
        Assert.InRange(fast.FullIn.TotalMilliseconds, 1, 50);
        await Eventually.ValueAsync(() => _db.KeyExistsAsync("t:fast"), exists => !exists, "the fast tenant's key expires", TimeSpan.FromSeconds(5));
        Assert.True(await _db.KeyExistsAsync("t:slow"));
    }

    [Fact]
    public async Task TakeAsync_ServerThatLostTheScript_GetsItAgainByEval()
    {
        var roundTrips = 0;
        await RedisBucketScript.TakeAsync(_db, "t:flush", 0.01, 5, 1, () => roundTrips++);
        await RedisBucketScript.TakeAsync(_db, "t:flush", 0.01, 5, 1, () => roundTrips++);
        var afterCached = roundTrips;
        await _connection.GetServer(_connection.GetEndPoints()[0]).ScriptFlushAsync();

        var afterFlush = await RedisBucketScript.TakeAsync(_db, "t:flush", 0.01, 5, 1, () => roundTrips++);

        Assert.Equal(1, afterFlush.Granted);
        Assert.InRange(afterFlush.Remaining, 2, 2.01);
        Assert.True(afterCached <= 3, $"{afterCached} commands for two calls: EVALSHA should hit after the first");
        Assert.Equal(afterCached + 2, roundTrips);
    }

    [Fact]
    public async Task TakeAsync_LowerBurstInConfiguration_AppliesAtOnce()
    {
        await RedisBucketScript.TakeAsync(_db, "t:burst", 0.01, 10, 1);

        var lowered = await RedisBucketScript.TakeAsync(_db, "t:burst", 0.01, 3, 10);

        Assert.Equal(3, lowered.Granted);
    }
}
