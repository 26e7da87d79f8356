using Gateway.Redis;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace Gateway.Admission.Redis;

/// <summary>
/// Tenant buckets shared by every replica through Redis (<see cref="RedisBucketScript"/>). Each replica reserves small
/// batches of a tenant's tokens and serves requests from them, so most requests make no Redis round trip; the batch is
/// a slice of the rate (see <see cref="BatchSize"/>) so replicas together stay at the tenant's global rate. Every
/// Redis call runs under a timeout and a circuit breaker. While Redis cannot be reached, admission fails open (each
/// replica takes rate / replicas from a local bucket) or closed (503), and the breaker's half-open probes bring the
/// shared buckets back once Redis is.
/// </summary>
internal sealed partial class RedisTenantBuckets : ITenantBuckets, IDisposable
{
    /// <summary>The anonymous bucket's key suffix; '~' is not allowed in tenant names, so no tenant can share it.</summary>
    public const string AnonymousKey = "~anonymous";

    private readonly IOptionsMonitor<AdmissionOptions> _options;
    private readonly RedisAdmissionStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RedisConnection _connection;
    private readonly ResiliencePipeline _pipeline;
    private readonly TenantStateRegistry _tenants;

    public RedisTenantBuckets(
        IOptionsMonitor<AdmissionOptions> options, RedisAdmissionStatus status, TenantStateRegistry tenants, TimeProvider time, ILogger<RedisTenantBuckets> logger)
    {
        _options = options;
        _tenants = tenants;
        _status = status;
        _time = time;
        _logger = logger;
        var redis = options.CurrentValue.Redis;
        _connection = new RedisConnection(redis.Configuration);
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // Opens after a few failures: the fallback is already serving them, and a closed breaker in front of a
                // dead Redis costs each reservation a timeout.
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(2),
                BreakDuration = redis.BreakDuration,
            })
            .AddTimeout(redis.Timeout)
            .Build();
    }

    public async ValueTask<BucketDecision> TakeAsync(string? tenant, double ratePerSecond, int burst, CancellationToken cancellationToken)
    {
        var redis = _options.CurrentValue.Redis;
        var key = tenant ?? AnonymousKey;
        // Kept with the tenant's state, so it goes when an idle tenant's state is dropped.
        var reservoir = _tenants.For(tenant).Reservoir;
        var batch = BatchSize(ratePerSecond, burst, redis);

        if (reservoir.TryTake(ratePerSecond, burst, batch, redis.ReserveLifetime, out var topUp) is { } local)
        {
            if (topUp)
            {
                _ = TopUpAsync(reservoir, redis.KeyPrefix + key, ratePerSecond, burst, batch);
            }

            return local;
        }

        try
        {
            var want = reservoir.Want(batch);
            return await reservoir.TakeFromSharedAsync(() => TakeAsync(redis.KeyPrefix + key, ratePerSecond, burst, want), ratePerSecond, burst)
                .WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return Degraded(reservoir, ratePerSecond, burst, redis);
        }
    }

    /// <summary>
    /// Tokens reserved per round trip: about <c>BatchWindow</c> of the tenant's rate, at most <c>MaxBatch</c>, and at
    /// most half of one replica's share of the burst, so no replica can take a burst the others were due. At least 1.
    /// Replicas together hold the global rate whatever the batch, since every token comes from the shared bucket; what
    /// a batch can cost is the tokens sitting in reserves at the end of a window, at most replicas × batch.
    /// </summary>
    public static int BatchSize(double ratePerSecond, int burst, AdmissionRedisOptions redis) =>
        Math.Max(1, Math.Min(redis.MaxBatch, Math.Min((int)(ratePerSecond * redis.BatchWindow.TotalSeconds), burst / (2 * redis.Replicas))));

    public void Dispose() => _connection.Dispose();

    private BucketDecision Degraded(TenantReservoir reservoir, double ratePerSecond, int burst, AdmissionRedisOptions redis)
    {
        if (redis.FailureMode == AdmissionFailureMode.Closed)
        {
            var wait = redis.BreakDuration;
            return new BucketDecision(false, 0, wait, TimeSpan.Zero) { Unavailable = true };
        }

        return reservoir.Fallback.TryTake(ratePerSecond / redis.Replicas, Math.Max(1, burst / redis.Replicas));
    }

    private async Task TopUpAsync(TenantReservoir reservoir, string key, double ratePerSecond, int burst, int batch)
    {
        try
        {
            await reservoir.TopUpAsync(() => TakeAsync(key, ratePerSecond, burst, batch));
        }
        catch (Exception)
        {
            // Counted and logged by TakeAsync; the next request that finds the reserve empty falls back.
        }
    }

    private async Task<RedisGrant> TakeAsync(string key, double ratePerSecond, int burst, int batch)
    {
        try
        {
            var grant = await _pipeline.ExecuteAsync(
                async token =>
                {
                    var database = await _connection.DatabaseAsync(token);
                    return await RedisBucketScript.TakeAsync(database, key, ratePerSecond, burst, batch, _status.RecordRoundTrip).WaitAsync(token);
                },
                CancellationToken.None);
            if (_status.MarkHealthy())
            {
                LogRestored(_logger);
            }

            return grant;
        }
        catch (Exception ex)
        {
            var kind = ex switch
            {
                TimeoutRejectedException => RedisErrorKinds.Timeout,
                BrokenCircuitException => RedisErrorKinds.CircuitOpen,
                RedisServerException => RedisErrorKinds.Server,
                _ => RedisErrorKinds.Connection,
            };
            if (_status.MarkFailed(kind))
            {
                LogUnavailable(_logger, _options.CurrentValue.Redis.FailureMode, kind, ex.Message);
            }

            throw;
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning,
        Message = "Shared tenant buckets unavailable ({Kind}: {Error}); admission fails {FailureMode} until Redis answers again.")]
    private static partial void LogUnavailable(ILogger logger, AdmissionFailureMode failureMode, string kind, string error);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "Shared tenant buckets reachable again; admission uses Redis.")]
    private static partial void LogRestored(ILogger logger);
}
