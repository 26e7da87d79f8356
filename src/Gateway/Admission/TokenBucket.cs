namespace Gateway.Admission;

/// <summary>
/// One tenant's token bucket with continuous refill. Retry-After is the exact time until the next token, not a
/// whole refill period (the platform's <c>TokenBucketRateLimiter</c> reports whole periods: 60 s for 600/min when
/// the next token is 0.1 s away). Rate and burst come with each call, so a configuration change applies at once.
/// </summary>
internal sealed class TokenBucket(TimeProvider time)
{
    private readonly Lock _sync = new();
    private double _tokens = double.NaN; // Full on first use, whatever the burst is then.
    private long _refilledAt;

    /// <summary>Takes a token if one is there; either way reports what is left and how long until the next token.</summary>
    public BucketDecision TryTake(double ratePerSecond, int burst)
    {
        var now = time.GetTimestamp();
        lock (_sync)
        {
            _tokens = double.IsNaN(_tokens)
                ? burst
                : Math.Min(burst, _tokens + (time.GetElapsedTime(_refilledAt, now).TotalSeconds * ratePerSecond));
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return new BucketDecision(true, _tokens, TimeSpan.Zero, FullIn(ratePerSecond, burst));
            }

            return new BucketDecision(false, _tokens, TimeSpan.FromSeconds((1 - _tokens) / ratePerSecond), FullIn(ratePerSecond, burst));
        }
    }

    private TimeSpan FullIn(double ratePerSecond, int burst) => TimeSpan.FromSeconds(Math.Max(0, burst - _tokens) / ratePerSecond);
}
