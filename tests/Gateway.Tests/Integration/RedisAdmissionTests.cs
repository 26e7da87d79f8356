using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.LoadGen;
using Gateway.Tests.Metrics;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Gateway.Tests.Integration;

/// <summary>
/// Tenant buckets shared through a real redis-server by in-process gateway replicas on real Kestrel: the global rate
/// over 30 s, Redis dying and coming back under traffic, fail-closed, and a Redis missing at start-up. Traffic is
/// loopback only and every run is bounded.
/// </summary>
public sealed class RedisAdmissionTests(ITestOutputHelper output)
{
    private const string AcmeKey = "acme-key-0123456789";
    private const string KeyPrefix = "test:admission:";

    [Fact]
    public async Task ThreeReplicasSharingOneRedis_HoldATenantsGlobalRateWithinTenPercentOver30Seconds()
    {
        const double Rate = 20;
        const int Burst = 20;
        await using var redis = await RedisServer.StartAsync();
        await using var replicas = await Replicas.StartAsync(3, redis.Configuration, Rate, Burst);

        // Three times the tenant's rate, spread over the replicas.
        var results = await Drive(replicas, 3 * Rate, TimeSpan.FromSeconds(30));

        var window = results.Max(r => r.SentAt) - results.Min(r => r.SentAt);
        var admitted = results.Count(r => r.Status == HttpStatusCode.OK);
        var expected = Burst + (Rate * window.TotalSeconds);
        var perReplica = Enumerable.Range(0, 3).Select(i => results.Count(r => r.Replica == i && r.Status == HttpStatusCode.OK)).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"admitted {admitted} of {results.Count} in {window.TotalSeconds:0.0} s; expected {expected:0} (ratio {admitted / expected:0.000}); per replica {string.Join("/", perReplica)}"));
        Assert.DoesNotContain(results, r => (int)r.Status >= 500);
        Assert.InRange(admitted, expected * 0.9, expected * 1.1);

        // Each replica got a fair part of the shared rate, not one replica all of it.
        Assert.All(perReplica, n => Assert.InRange(n, expected / 3 * 0.5, expected / 3 * 1.5));
    }

    [Fact]
    public async Task RedisStoppedMidRun_FailsOpenWithinASecondWithoutServerErrors_AndSharedLimitsReturnAfterRestart()
    {
        const double Rate = 15;
        const int Burst = 15;
        await using var redis = await RedisServer.StartAsync();
        await using var replicas = await Replicas.StartAsync(3, redis.Configuration, Rate, Burst);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        var run = Stopwatch.StartNew();
        var traffic = Drive(replicas, 3 * Rate, TimeSpan.FromSeconds(16), run);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.All(await Health(probe, replicas), h => Assert.Equal("ok", h));

        await redis.StopAsync();
        var killedAt = run.Elapsed;
        var degradedAfter = await UntilAllHealth(probe, replicas, "degraded") - killedAt;
        var degradedMetrics = await Task.WhenAll(replicas.Gateways.Select(g => Exposition.ScrapeAsync(probe, g.BaseAddress)));

        var untilRestart = TimeSpan.FromSeconds(9) - run.Elapsed;
        if (untilRestart > TimeSpan.Zero)
        {
            await Task.Delay(untilRestart);
        }
        await redis.RestartAsync();
        var restartedAt = run.Elapsed;
        var healthyAfter = await UntilAllHealth(probe, replicas, "ok") - restartedAt;
        var results = await traffic;
        var recoveredMetrics = await Task.WhenAll(replicas.Gateways.Select(g => Exposition.ScrapeAsync(probe, g.BaseAddress)));
        using var check = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var sharedKeyBack = await check.GetDatabase().KeyExistsAsync(KeyPrefix + "acme");

        var outage = results.Where(r => r.SentAt >= killedAt && r.SentAt < restartedAt).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"degraded on every replica {degradedAfter.TotalMilliseconds:0} ms after the kill; healthy again {healthyAfter.TotalMilliseconds:0} ms after the restart; " +
            $"outage requests {outage.Count}, slowest {outage.Max(r => r.Latency).TotalMilliseconds:0} ms, admitted {outage.Count(r => r.Status == HttpStatusCode.OK)}"));

        foreach (var slow in results.OrderByDescending(r => r.Latency).Take(3))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"slow: replica {slow.Replica} sent {(slow.SentAt - killedAt).TotalMilliseconds:0} ms after the kill, took {slow.Latency.TotalMilliseconds:0} ms, {(int)slow.Status}"));
        }

        Assert.DoesNotContain(results, r => (int)r.Status >= 500);
        Assert.True(degradedAfter < TimeSpan.FromSeconds(1), $"fail-open took {degradedAfter.TotalMilliseconds:0} ms");

        // Nothing waits on the dead Redis: a request that did would take the Redis timeout (250 ms here; 5 s with the
        // client library's defaults). A stall of this busy test machine delays a handful of requests at once, so the
        // bound is on the 95th percentile, plus a ceiling well under the library's default.
        var p95 = outage.Select(r => r.Latency).Order().ElementAt((int)(outage.Count * 0.95));
        Assert.True(p95 < TimeSpan.FromMilliseconds(250), $"95% of outage requests took up to {p95.TotalMilliseconds:0} ms");
        Assert.All(outage, r => Assert.True(r.Latency < TimeSpan.FromSeconds(4), $"a request waited {r.Latency.TotalMilliseconds:0} ms on a dead Redis"));
        for (var i = 0; i < 3; i++)
        {
            // Every replica admits on its local share once it has taken over, not only from tokens it had reserved.
            Assert.Contains(outage, r => r.Replica == i && r.SentAt > killedAt + TimeSpan.FromSeconds(1) && r.Status == HttpStatusCode.OK);
        }

        Assert.All(degradedMetrics, m => Assert.Equal(1, m.Value("gateway_admission_redis_degraded")));
        Assert.All(degradedMetrics, m => Assert.True(m.Sum("gateway_admission_redis_errors_total") > 0));
        Assert.All(recoveredMetrics, m => Assert.Equal(0, m.Value("gateway_admission_redis_degraded")));
        Assert.True(healthyAfter < TimeSpan.FromSeconds(10));
        Assert.True(sharedKeyBack, "the tenant's bucket is not in the restarted Redis: replicas did not go back to the shared buckets");

        // Back on the shared bucket, the replicas together hold the global rate again (plus the new, full burst).
        var after = results.Where(r => r.SentAt >= restartedAt + healthyAfter).ToList();
        var span = (after.Max(r => r.SentAt) - after.Min(r => r.SentAt)).TotalSeconds;
        Assert.InRange(after.Count(r => r.Status == HttpStatusCode.OK), 0, ((Burst + (Rate * span)) * 1.1) + 3);
    }

    [Fact]
    public async Task SharedBucket_RefusesOverTheBurstWithAnExactRetryAfter_AndAClientThatWaitsItIsAdmitted()
    {
        // 0.25/s (4 s a token), burst 2, as AdmissionTests does with local buckets.
        await using var redis = await RedisServer.StartAsync();
        await using var replicas = await Replicas.StartAsync(2, redis.Configuration, 0.25, 2);
        using var client = new HttpClient();

        using var first = await replicas.EnqueueAsync(client, 0);
        using var second = await replicas.EnqueueAsync(client, 1);
        using var refused = await replicas.EnqueueAsync(client, 0);
        using var refusedElsewhere = await replicas.EnqueueAsync(client, 1);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedElsewhere.StatusCode);
        Assert.Equal("\"tenant\";q=2;w=8", first.Headers.GetValues("RateLimit-Policy").Single());
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 4);

        await Task.Delay(refused.Headers.RetryAfter!.Delta!.Value);
        using var retried = await replicas.EnqueueAsync(client, 0);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    [Fact]
    public async Task RedisFrozen_RequestsWaitNoLongerThanTheTimeout_FailOpen_AndSharedLimitsReturnWhenItThaws()
    {
        // A hung Redis keeps its connections open: only the timeout and the breaker protect the request path.
        await using var redis = await RedisServer.StartAsync();
        await using var replicas = await Replicas.StartAsync(1, redis.Configuration, 1000, 1000, ("Gateway:Admission:Redis:MaxBatch", "1"));
        using var client = new HttpClient();
        using (var before = await replicas.EnqueueAsync(client, 0))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        redis.Freeze(true);
        var frozen = new List<(HttpStatusCode Status, TimeSpan Latency)>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var started = Stopwatch.StartNew();
                using var response = await replicas.EnqueueAsync(client, 0);
                frozen.Add((response.StatusCode, started.Elapsed));
            }
        }
        finally
        {
            redis.Freeze(false);
        }

        output.WriteLine($"while frozen: {string.Join(", ", frozen.Select(f => $"{(int)f.Status} in {f.Latency.TotalMilliseconds:0} ms"))}");
        Assert.All(frozen, f => Assert.Equal(HttpStatusCode.OK, f.Status));

        // The first call waits out the 250 ms timeout (a frozen Redis never fails fast), none waits much longer, and
        // once the breaker is open requests do not wait at all (the breaker probes again once a second).
        Assert.True(frozen[0].Latency >= TimeSpan.FromMilliseconds(200), $"the first request took {frozen[0].Latency.TotalMilliseconds:0} ms");
        Assert.All(frozen, f => Assert.True(f.Latency < TimeSpan.FromSeconds(1), $"a request waited {f.Latency.TotalMilliseconds:0} ms"));
        // A request that waited on the frozen Redis took the whole 250 ms timeout, so one under 200 ms did not, however
        // slow the machine.
        Assert.True(frozen.Count(f => f.Latency < TimeSpan.FromMilliseconds(200)) >= 15, "requests kept waiting with the breaker open");
        Assert.Equal(["degraded"], await Health(client, replicas));

        await UntilAllHealth(client, replicas, "ok", async () => (await replicas.EnqueueAsync(client, 0)).Dispose());
    }

    [Fact]
    public async Task FailClosed_RedisUnreachable_Gets503ProblemJsonWithRetryAfter_UntilRedisIsThere()
    {
        var port = LoopbackPort.Free();
        await using var replicas = await Replicas.StartAsync(1, $"127.0.0.1:{port}", 10, 10, ("Gateway:Admission:Redis:FailureMode", "Closed"));
        using var client = new HttpClient();

        using var refused = await replicas.EnqueueAsync(client, 0);
        using var other = await client.GetAsync(new Uri(replicas.Gateways[0].BaseAddress, "/orders"));
        var health = await Health(client, replicas);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("admission_unavailable", problem.GetProperty("reason").GetString());
        Assert.Equal("acme", problem.GetProperty("tenant").GetString());
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 10);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(["degraded"], health);
        var metrics = await Exposition.ScrapeAsync(client, replicas.Gateways[0].BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_admission_decisions_total", ("tenant", "acme"), ("outcome", "rejected"), ("reason", "admission_unavailable")));

        // Once Redis is there, the breaker's probe lets enqueues through again.
        await using var redis = await RedisServer.StartOnAsync(port);
        await Eventually.ValueAsync(
            async () =>
            {
                using var retried = await replicas.EnqueueAsync(client, 0);
                return retried.StatusCode;
            },
            status => status == HttpStatusCode.OK,
            "an enqueue is admitted once Redis is there");
    }

    [Fact]
    public async Task FailOpen_RedisMissingAtStartup_GatewayStartsAndAdmitsWithinItsShareOfTheBurst()
    {
        // Burst 6 over 3 replicas: 2 each while Redis is away; 0.01/s so nothing refills.
        await using var replicas = await Replicas.StartAsync(1, LoopbackPort.Refusing().Authority, 0.01, 6, ("Gateway:Admission:Redis:Replicas", "3"));
        using var client = new HttpClient();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await replicas.EnqueueAsync(client, 0);
            codes.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
        var metrics = await Exposition.ScrapeAsync(client, replicas.Gateways[0].BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_admission_redis_degraded"));
        Assert.True(metrics.Sum("gateway_admission_redis_errors_total") >= 1);
        Assert.Equal(["degraded"], await Health(client, replicas));
    }

    private static async Task<List<string>> Health(HttpClient client, Replicas replicas)
    {
        var statuses = new List<string>();
        foreach (var gateway in replicas.Gateways)
        {
            using var response = await client.GetAsync(new Uri(gateway.BaseAddress, "/healthz"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            statuses.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString()!);
        }

        return statuses;
    }

    /// <summary>Polls every replica's /healthz until all report <paramref name="status"/>; returns the run time then.</summary>
    private static async Task<TimeSpan> UntilAllHealth(HttpClient client, Replicas replicas, string status, Func<Task>? meanwhile = null)
    {
        await Eventually.ValueAsync(
            async () =>
            {
                if (meanwhile is not null)
                {
                    await meanwhile();
                }

                return await Health(client, replicas);
            },
            statuses => statuses.All(s => s == status),
            $"every replica reports '{status}'");
        return replicas.Run.Elapsed;
    }

    /// <summary>
    /// Open-loop enqueues, Poisson arrivals at <paramref name="rate"/> per second (seeded) for <paramref name="duration"/>,
    /// round robin over the replicas, none waiting for another. Evenly spaced arrivals would lock in phase with the
    /// bucket's refill and hand every token to the replica whose turn falls just after it.
    /// </summary>
    private static async Task<List<Result>> Drive(Replicas replicas, double rate, TimeSpan duration, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        replicas.Run = clock;
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };
        var start = clock.Elapsed;
        var sends = new List<Task<Result>>();
        var i = 0;
        foreach (var offset in Arrivals.Poisson(rate, duration, seed: 6))
        {
            var wait = start + offset - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            sends.Add(Send(i++ % replicas.Gateways.Count));
        }

        return [.. await Task.WhenAll(sends)];

        async Task<Result> Send(int replica)
        {
            var sentAt = clock.Elapsed;
            using var response = await replicas.EnqueueAsync(client, replica);
            await response.Content.ReadAsByteArrayAsync();
            return new Result(replica, sentAt, clock.Elapsed - sentAt, response.StatusCode);
        }
    }

    private sealed record Result(int Replica, TimeSpan SentAt, TimeSpan Latency, HttpStatusCode Status);

    /// <summary>In-process gateways with one enqueue route (<c>/jobs/**</c>) and the tenant acme, sharing buckets through Redis.</summary>
    private sealed class Replicas : IAsyncDisposable
    {
        private readonly HeaderEchoUpstream _upstream;
        private readonly GatewayConfigFile _config;

        private Replicas(HeaderEchoUpstream upstream, GatewayConfigFile config, List<InProcessServer> gateways)
        {
            _upstream = upstream;
            _config = config;
            Gateways = gateways;
        }

        public List<InProcessServer> Gateways { get; }

        public Stopwatch Run { get; set; } = Stopwatch.StartNew();

        public static async Task<Replicas> StartAsync(int count, string redis, double rate, int burst, params (string Key, string Value)[] settings)
        {
            var upstream = await HeaderEchoUpstream.StartAsync();
            var config = new GatewayConfigFile()
                .AddCluster("test", GatewayPolicies.ConcurrencyAware, [upstream.Address])
                .AddCluster("jobs", GatewayPolicies.ConcurrencyAware, [upstream.Address], pathPrefix: "jobs")
                .Set("ReverseProxy:Routes:jobs:Metadata:Gateway.Enqueue", JsonValue.Create("true"))
                .AddApiKey(AcmeKey, "acme")
                .Set("Gateway:Admission:Tenants:acme:RatePerSecond", JsonValue.Create(rate))
                .Set("Gateway:Admission:Tenants:acme:Burst", JsonValue.Create(burst))
                .Set("Gateway:Admission:Tenants:acme:MaxConcurrency", JsonValue.Create(1000))
                .Set("Gateway:Admission:Redis:Configuration", JsonValue.Create(redis))
                .Set("Gateway:Admission:Redis:KeyPrefix", JsonValue.Create(KeyPrefix))
                .Set("Gateway:Admission:Redis:Replicas", JsonValue.Create(count));
            foreach (var (key, value) in settings)
            {
                config.Set(key, JsonValue.Create(value));
            }

            var path = config.Write();
            var gateways = new List<InProcessServer>();
            for (var i = 0; i < count; i++)
            {
                gateways.Add(await InProcessGateway.StartAsync(path));
            }

            return new Replicas(upstream, config, gateways);
        }

        public Task<HttpResponseMessage> EnqueueAsync(HttpClient client, int replica)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Gateways[replica].BaseAddress, "/jobs/x")) { Content = new StringContent("{}") };
            request.Headers.Add("X-Api-Key", AcmeKey);
            return client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var gateway in Gateways)
            {
                await gateway.DisposeAsync();
            }

            await _upstream.DisposeAsync();
            _config.Dispose();
        }
    }
}
