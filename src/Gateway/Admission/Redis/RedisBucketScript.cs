using System.Globalization;
using Gateway.Redis;
using StackExchange.Redis;

namespace Gateway.Admission.Redis;

/// <summary>
/// The shared token bucket: one Lua script, so refill, take and expiry are atomic in Redis. The clock is Redis's own
/// <c>TIME</c>, so the replicas' clocks never matter. A tenant's state is a hash (<c>tokens</c>, <c>at</c> in
/// microseconds) that expires when the bucket would be full again: an idle tenant's key vanishes, and a missing key
/// reads as a full bucket, which is the same thing. A token that is due within rounding (1e-9) counts as there, so a
/// client that waits the reported wait to the millisecond is not refused by floating-point error.
/// </summary>
internal static class RedisBucketScript
{
    public const string Source = """
        redis.replicate_commands()
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local want = tonumber(ARGV[3])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1])
        local at = tonumber(state[2])
        if tokens == nil or at == nil then
          tokens = burst
        else
          tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
        end
        local granted = math.max(0, math.min(want, math.floor(tokens + 1e-9)))
        tokens = tokens - granted
        local wait_ms = 0
        if tokens < 1 then
          wait_ms = math.ceil((1 - tokens) * 1000 / rate)
        end
        local full_ms = math.ceil((burst - tokens) * 1000 / rate)
        if full_ms > 0 then
          redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
          redis.call('PEXPIRE', KEYS[1], full_ms)
        else
          redis.call('DEL', KEYS[1])
        end
        return {granted, string.format('%.6f', tokens), wait_ms, full_ms}
        """;

    private static readonly RedisScript Script = new(Source);

    /// <summary>
    /// Takes up to <paramref name="want"/> tokens, by EVALSHA with EVAL after a NOSCRIPT (<see cref="RedisScript"/>).
    /// <paramref name="roundTrip"/> is called once per command sent, for the round-trip count.
    /// </summary>
    public static async Task<RedisGrant> TakeAsync(IDatabaseAsync database, RedisKey key, double ratePerSecond, int burst, int want, Action? roundTrip = null)
    {
        var result = await Script.EvaluateAsync(database, [key], [ratePerSecond, burst, want], roundTrip);
        var parts = (RedisResult[])result!;
        return new RedisGrant(
            (int)(long)parts[0],
            double.Parse((string)parts[1]!, CultureInfo.InvariantCulture),
            TimeSpan.FromMilliseconds((long)parts[2]),
            TimeSpan.FromMilliseconds((long)parts[3]));
    }
}
