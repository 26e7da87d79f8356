using Gateway.Admission;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Admission;

public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryTake_FreshBucket_GivesTheBurstThenRefusesWithTheExactWaitForOneToken()
    {
        var bucket = new TokenBucket(_time);

        var taken = Enumerable.Range(0, 5).Select(_ => bucket.TryTake(ratePerSecond: 10, burst: 5)).ToList();
        var refused = bucket.TryTake(10, 5);

        Assert.All(taken, d => Assert.True(d.Taken));
        Assert.False(refused.Taken);
        Assert.Equal(TimeSpan.FromMilliseconds(100), refused.RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(500), refused.FullIn);
    }

    [Fact]
    public void TryTake_AfterWaitingTheRetryAfter_IsAdmitted()
    {
        var bucket = new TokenBucket(_time);
        bucket.TryTake(ratePerSecond: 0.5, burst: 1);
        var refused = bucket.TryTake(0.5, 1);

        _time.Advance(refused.RetryAfter);

        Assert.Equal(TimeSpan.FromSeconds(2), refused.RetryAfter);
        Assert.True(bucket.TryTake(0.5, 1).Taken);
    }

    [Fact]
    public void TryTake_RefillIsContinuousAndCappedAtTheBurst()
    {
        var bucket = new TokenBucket(_time);
        for (var i = 0; i < 4; i++)
        {
            bucket.TryTake(ratePerSecond: 4, burst: 4);
        }

        _time.Advance(TimeSpan.FromMilliseconds(625)); // 2.5 tokens
        Assert.Equal(1.5, bucket.TryTake(4, 4).Remaining, precision: 9);

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, bucket.TryTake(4, 4).Remaining, precision: 9);
    }

    [Fact]
    public void TryTake_LowerBurstFromAReload_AppliesAtOnce()
    {
        var bucket = new TokenBucket(_time);
        bucket.TryTake(ratePerSecond: 1, burst: 100);

        var afterReload = bucket.TryTake(1, burst: 2);

        Assert.True(afterReload.Taken);
        Assert.Equal(1, afterReload.Remaining, precision: 9);
    }
}
