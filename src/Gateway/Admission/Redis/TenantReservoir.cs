namespace Gateway.Admission.Redis;

/// <summary>
/// One tenant's tokens reserved by this replica from the shared bucket, served without a Redis round trip, and topped up
/// in the background (one top-up at a time) before they run out. Tokens older than the
/// reserve lifetime are dropped rather than hoarded; after the shared bucket said it is empty, requests are refused
/// locally, with its exact wait, until its next token is due. Also holds the local bucket fail-open falls back to.
/// </summary>
internal sealed class TenantReservoir(TimeProvider time)
{
    private readonly Lock _sync = new();
    private int _tokens;
    private long _reservedAt;
    private long _emptyUntil;
    private double _sharedRemaining = double.PositiveInfinity; // Unknown until the first grant.
    private bool _toppingUp;

    /// <summary>This replica's share of the tenant's limits while Redis cannot be reached (fail-open).</summary>
    public TokenBucket Fallback { get; } = new(time);

    /// <summary>Reserved tokens held now (stale ones included until the next take drops them).</summary>
    public int Reserved
    {
        get
        {
            lock (_sync)
            {
                return _tokens;
            }
        }
    }

    /// <summary>
    /// Answers from what this replica knows: a reserved token, or a refusal while the shared bucket is known to be
    /// empty. <c>null</c> when only Redis can answer. <paramref name="reserveMore"/> says a reservation should start
    /// in the background because the reserve is down to half a <paramref name="batch"/> and the shared bucket had plenty.
    /// </summary>
    public BucketDecision? TryTake(double ratePerSecond, int burst, int batch, TimeSpan lifetime, out bool reserveMore)
    {
        var now = time.GetTimestamp();
        lock (_sync)
        {
            reserveMore = false;
            if (_tokens > 0 && time.GetElapsedTime(_reservedAt, now) > lifetime)
            {
                _tokens = 0;
            }

            if (_tokens > 0)
            {
                _tokens--;
                reserveMore = batch > 1 && _tokens <= batch / 2 && !_toppingUp && now >= _emptyUntil && _sharedRemaining >= batch;
                var remaining = Math.Min(burst, _tokens + _sharedRemaining);
                return new BucketDecision(true, remaining, TimeSpan.Zero, TimeSpan.FromSeconds(Math.Max(0, burst - remaining) / ratePerSecond));
            }

            if (now < _emptyUntil)
            {
                var wait = time.GetElapsedTime(now, _emptyUntil);
                return new BucketDecision(false, _sharedRemaining, wait, TimeSpan.FromSeconds(Math.Max(0, burst - _sharedRemaining) / ratePerSecond));
            }

            return null;
        }
    }

    /// <summary>
    /// How many tokens to reserve: the batch while the shared bucket had plenty at the last look, else one. A tenant at
    /// its limit has replicas competing for each token; reserving ahead then would hand them to whichever replica asks
    /// first, unfairly, and tokens reserved by a replica that has no request for them are lost to all.
    /// </summary>
    public int Want(int batch)
    {
        lock (_sync)
        {
            return _sharedRemaining >= batch ? batch : 1;
        }
    }

    /// <summary>
    /// Asks the shared bucket for a token for this request (plus any to keep in reserve) and answers from the grant:
    /// admitted, or refused with the shared bucket's exact wait. Every request that finds nothing reserved makes its
    /// own call, so one grant is never shared between several waiting requests.
    /// </summary>
    public async Task<BucketDecision> TakeFromSharedAsync(Func<Task<RedisGrant>> take, double ratePerSecond, int burst)
    {
        var grant = await take();
        var fullIn = TimeSpan.FromSeconds(Math.Max(0, burst - grant.Remaining) / ratePerSecond);
        lock (_sync)
        {
            Apply(grant, keep: Math.Max(0, grant.Granted - 1));
        }

        return grant.Granted > 0
            ? new BucketDecision(true, grant.Remaining, TimeSpan.Zero, fullIn)
            : new BucketDecision(false, grant.Remaining, grant.RetryAfter, fullIn);
    }

    /// <summary>Tops up the reserve in the background; a top-up already under way is not doubled.</summary>
    public async Task TopUpAsync(Func<Task<RedisGrant>> take)
    {
        lock (_sync)
        {
            if (_toppingUp)
            {
                return;
            }

            _toppingUp = true;
        }

        try
        {
            var grant = await take();
            lock (_sync)
            {
                Apply(grant, keep: grant.Granted);
            }
        }
        finally
        {
            lock (_sync)
            {
                _toppingUp = false;
            }
        }
    }

    private void Apply(RedisGrant grant, int keep)
    {
        var now = time.GetTimestamp();
        if (keep > 0)
        {
            _tokens += keep;
            _reservedAt = now;
        }

        _sharedRemaining = grant.Remaining;
        _emptyUntil = grant.Remaining < 1 ? now + (long)(grant.RetryAfter.TotalSeconds * time.TimestampFrequency) : 0;
    }
}
