using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Admission;
using Gateway.Admission.Redis;
using Gateway.LoadGen;
using Gateway.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Gateway.Tests.Admission;

/// <summary>
/// What the shared buckets cost the admission step, measured on the gateway's own <see cref="ITenantBuckets"/> against
/// a real redis-server: Redis round trips per request and the latency of the take, with reserved batches and with one
/// script call per request (<c>MaxBatch=1</c>), for a tenant under its limit (the common case). The README's figures
/// come from this test's output.
/// </summary>
public sealed class RedisTenantBucketsCostTests(ITestOutputHelper output)
{
    private const int Workers = 4;
    private const int TakesPerWorker = 2500;

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    public async Task TakeAsync_TenantUnderItsLimit_RoundTripsPerRequestFollowTheBatch(int maxBatch)
    {
        await using var redis = await RedisServer.StartAsync();
        using var config = new GatewayConfigFile()
            .Set("Gateway:Admission:Redis:Configuration", JsonValue.Create(redis.Configuration))
            .Set("Gateway:Admission:Redis:MaxBatch", JsonValue.Create(maxBatch))
            .Set("Gateway:Admission:Redis:Replicas", JsonValue.Create(3))
            // A cost measurement, not a failure test: on a busy machine a 250 ms timeout could open the breaker, and the
            // fail-open fallback would then serve every take with no round trip at all.
            .Set("Gateway:Admission:Redis:Timeout", JsonValue.Create("00:00:05"));
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        var buckets = gateway.Services.GetRequiredService<ITenantBuckets>();
        var status = gateway.Services.GetRequiredService<RedisAdmissionStatus>();

        // 100,000/s: never limited, so every take is admitted and only the cost differs.
        for (var i = 0; i < 200; i++)
        {
            await buckets.TakeAsync("warm-up", 100_000, 100_000, CancellationToken.None);
        }

        var before = status.RoundTrips;
        var latencies = await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            var mine = new List<double>(TakesPerWorker);
            for (var i = 0; i < TakesPerWorker; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var decision = await buckets.TakeAsync("acme", 100_000, 100_000, CancellationToken.None);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Assert.True(decision.Taken);
            }

            return mine;
        }));
        Assert.False(status.Degraded);
        var roundTripsPerRequest = (status.RoundTrips - before) / (double)(Workers * TakesPerWorker);
        var summary = LatencySummary.Of(latencies.SelectMany(l => l));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MaxBatch={maxBatch}: {roundTripsPerRequest:0.000} Redis round trips per request; take p50 {summary.P50 * 1000:0.0} µs, p99 {summary.P99 * 1000:0.0} µs, max {summary.Max:0.0} ms ({Workers} concurrent callers, {Workers * TakesPerWorker} takes)"));

        if (maxBatch == 1)
        {
            Assert.Equal(1.0, roundTripsPerRequest, 3);
        }
        else
        {
            // A batch of 20 topped up at half: about one call per 10 to 20 requests.
            Assert.InRange(roundTripsPerRequest, 0.02, 0.15);
        }

        Assert.False(status.Degraded);
    }
}
