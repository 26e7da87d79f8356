using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadGen;
using Gateway.Testing;

namespace Gateway.LoadTests.ReplicasRedis;

/// <summary>
/// Gateway replicas sharing one tenant's token bucket through a real redis-server. One tenant is driven over (and, for
/// the cost comparison, under) its global rate through every replica at once; the run reports the admitted rate
/// against the configured one, Redis round trips per request and the latency each bucket mode adds. Then Redis is
/// killed under traffic and restarted on the same port: 5xx count, how long fail-open took to take over, how long the
/// shared buckets took to come back.
/// </summary>
internal static class ReplicasRedisScenario
{
    private const string Tenant = "acme";
    private const string ApiKey = "replicas-redis-key-0123456789";

    public static async Task<int> RunAsync(ReplicasRedisOptions options)
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync(
            "--DemoUpstream:ServiceTime=const:1ms", "--DemoUpstream:Slots=256", "--Logging:LogLevel:Default=Warning");
        var failures = new List<string>();
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var rows = new List<string>();
        var loads = options.Compare ? new[] { 2.0, 0.5 } : [2.0];
        var modes = options.Compare ? new[] { BucketMode.Local, BucketMode.PerRequest, BucketMode.Batch } : [BucketMode.Batch];
        var baselines = new Dictionary<double, LatencySummary>();
        foreach (var load in loads)
        {
            foreach (var mode in modes)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"replicas-redis: {mode}, {options.Replicas} replicas, offered {load:0.##}× the tenant's rate for {options.Seconds} s …"));
                await using var set = await ReplicaSet.StartAsync(options, upstream.BaseAddress, mode);
                var warmUpRoundTrips = await set.RoundTripsAsync();
                var clock = Stopwatch.StartNew();
                var results = await TenantDriver.RunAsync(set.Client, set.Addresses, ApiKey, load * options.Rate, duration, clock);
                var roundTrips = await set.RoundTripsAsync() - warmUpRoundTrips;
                var window = results.Max(r => r.SentAt) - results.Min(r => r.SentAt);
                var admitted = results.Count(r => r.Status == 200);
                var expected = load > 1 ? options.Burst + (options.Rate * window.TotalSeconds) : results.Count;
                var latency = LatencySummary.Of(results.Where(r => r.Status == 200).Select(r => r.Latency.TotalMilliseconds));
                if (mode == BucketMode.Local)
                {
                    baselines[load] = latency;
                }

                var baseline = baselines.GetValueOrDefault(load);
                var serverErrors = results.Count(r => r.Status is 0 or >= 500);
                var perRequest = mode == BucketMode.Local ? 0 : roundTrips / (double)results.Count;
                var added = $"{Added(latency.P50, baseline?.P50)} | {Added(latency.P99, baseline?.P99)}";
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {Describe(mode)} | {load:0.##}× | {results.Count} | {admitted / window.TotalSeconds:0.0} | {admitted / expected:0.000} | {perRequest:0.000} | {latency.P50:0.00} | {latency.P99:0.00} | {added} | {serverErrors} |"));
                if (serverErrors > 0)
                {
                    failures.Add($"{mode} at {load}×: {serverErrors} requests failed or got 5xx");
                }

                if (mode != BucketMode.Local && load > 1 && Math.Abs((admitted / expected) - 1) > 0.10)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{mode}: admitted {admitted}, expected {expected:0} (outside ±10%)"));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"One tenant at {options.Rate:0.##}/s (burst {options.Burst}) through {options.Replicas} replicas, {options.Seconds} s per row, Poisson arrivals."));
        Console.WriteLine("Ratio: admitted over configured (burst + rate × time when over the rate; offered when under). Latency of admitted requests, client side.");
        Console.WriteLine();
        Console.WriteLine("| buckets | offered | requests | admitted/s | ratio | Redis round trips per request | p50 (ms) | p99 (ms) | added p50 (ms) | added p99 (ms) | 5xx |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);

        if (options.Outage)
        {
            await RunOutageAsync(options, upstream.BaseAddress, failures);
        }

        Console.WriteLine();
        Console.WriteLine($"Reproduce: {options.CommandLine}");
        failures.ForEach(f => Console.Error.WriteLine($"replicas-redis: {f}"));
        return failures.Count == 0 ? 0 : 1;
    }

    private static async Task RunOutageAsync(ReplicasRedisOptions options, Uri upstream, List<string> failures)
    {
        Console.Error.WriteLine("replicas-redis: outage run: Redis killed at 5 s, restarted on the same port at 10 s, traffic until 20 s …");
        await using var set = await ReplicaSet.StartAsync(options, upstream, BucketMode.Batch);
        var clock = Stopwatch.StartNew();
        var traffic = TenantDriver.RunAsync(set.Client, set.Addresses, ApiKey, 2 * options.Rate, TimeSpan.FromSeconds(20), clock, seed: 2);
        await Task.Delay(TimeSpan.FromSeconds(5));
        await set.Redis!.StopAsync();
        var killedAt = clock.Elapsed;
        var degradedAt = await set.UntilAllHealthAsync("degraded", clock, TimeSpan.FromSeconds(5));
        var restartIn = TimeSpan.FromSeconds(10) - clock.Elapsed;
        if (restartIn > TimeSpan.Zero)
        {
            await Task.Delay(restartIn);
        }

        await set.Redis.RestartAsync();
        var restartedAt = clock.Elapsed;
        var healthyAt = await set.UntilAllHealthAsync("ok", clock, TimeSpan.FromSeconds(10));
        var results = await traffic;

        var outage = results.Where(r => r.SentAt >= killedAt && r.SentAt < restartedAt).ToList();
        var outageSeconds = (restartedAt - killedAt).TotalSeconds;
        var after = healthyAt is { } h ? results.Where(r => r.SentAt >= h).ToList() : [];
        var afterSeconds = after.Count > 1 ? (after.Max(r => r.SentAt) - after.Min(r => r.SentAt)).TotalSeconds : 0;
        var serverErrors = results.Count(r => r.Status is 0 or >= 500);
        var takeover = degradedAt - killedAt;
        var recovery = healthyAt - restartedAt;

        Console.WriteLine();
        Console.WriteLine("| outage run (batch, offered 2×) | value |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| requests | {results.Count} |");
        Console.WriteLine($"| 5xx or failed | {serverErrors} |");
        Console.WriteLine($"| fail-open takeover: kill → every replica's /healthz degraded (ms) | {Ms(takeover)} |");
        Console.WriteLine($"| slowest request during the outage (ms) | {outage.Max(r => r.Latency).TotalMilliseconds:0} |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| admitted/s during the outage (configured {options.Rate:0.##}, each replica rate / {options.Replicas} locally) | {outage.Count(r => r.Status == 200) / outageSeconds:0.0} |"));
        Console.WriteLine($"| recovery: restart → every replica's /healthz ok (ms) | {Ms(recovery)} |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| admitted/s after recovery (shared bucket again, fresh burst {options.Burst}) | {(afterSeconds > 0 ? after.Count(r => r.Status == 200) / afterSeconds : double.NaN):0.0} |"));

        if (serverErrors > 0)
        {
            failures.Add($"outage: {serverErrors} requests failed or got 5xx");
        }

        if (takeover is not { } t || t > TimeSpan.FromSeconds(1))
        {
            failures.Add($"outage: fail-open took over after {Ms(takeover)} ms (limit 1000)");
        }

        if (recovery is null)
        {
            failures.Add("outage: the replicas did not go back to the shared buckets within 10 s of the restart");
        }
    }

    private static string Ms(TimeSpan? span) => span is { } s ? s.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) : "never";

    private static string Added(double value, double? baseline) =>
        baseline is { } b ? (value - b).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) : "";

    private static string Describe(BucketMode mode) => mode switch
    {
        BucketMode.Local => "local (each replica alone)",
        BucketMode.PerRequest => "Redis, one call per request",
        _ => "Redis, reserved batches",
    };

    /// <summary>redis-server (unless local), the gateway replicas as processes, and a client for them.</summary>
    private sealed class ReplicaSet : IAsyncDisposable
    {
        private readonly GatewayConfigFile _config;
        private readonly List<ServerProcess> _gateways;

        private ReplicaSet(RedisServer? redis, GatewayConfigFile config, List<ServerProcess> gateways)
        {
            Redis = redis;
            _config = config;
            _gateways = gateways;
        }

        public RedisServer? Redis { get; }

        public IReadOnlyList<Uri> Addresses => [.. _gateways.Select(g => g.BaseAddress)];

        public HttpClient Client { get; } = new(LoadGenerator.CreateDefaultHandler()) { Timeout = TimeSpan.FromSeconds(30) };

        public static async Task<ReplicaSet> StartAsync(ReplicasRedisOptions options, Uri upstream, BucketMode mode)
        {
            var redis = mode == BucketMode.Local ? null : await RedisServer.StartAsync();
            var config = new GatewayConfigFile()
                .AddCluster("plain", "ConcurrencyAware", [upstream])
                .AddCluster("enqueue", "ConcurrencyAware", [upstream], pathPrefix: "enqueue")
                .Set("ReverseProxy:Routes:enqueue:Metadata:Gateway.Enqueue", JsonValue.Create("true"))
                .Set("Gateway:Timing:AccessLog", JsonValue.Create(false))
                .AddApiKey(ApiKey, Tenant)
                .Set($"Gateway:Admission:Tenants:{Tenant}:RatePerSecond", JsonValue.Create(options.Rate))
                .Set($"Gateway:Admission:Tenants:{Tenant}:Burst", JsonValue.Create(options.Burst))
                .Set($"Gateway:Admission:Tenants:{Tenant}:MaxConcurrency", JsonValue.Create(10_000));
            if (redis is not null)
            {
                config.Set("Gateway:Admission:Redis:Configuration", JsonValue.Create(redis.Configuration))
                    .Set("Gateway:Admission:Redis:Replicas", JsonValue.Create(options.Replicas));
                if (mode == BucketMode.PerRequest)
                {
                    config.Set("Gateway:Admission:Redis:MaxBatch", JsonValue.Create(1));
                }
            }

            var path = config.Write();
            var gateways = new List<ServerProcess>();
            for (var i = 0; i < options.Replicas; i++)
            {
                gateways.Add(await ServerProcess.StartGatewayAsync("--config", path, "--Logging:LogLevel:Default=Warning"));
            }

            var set = new ReplicaSet(redis, config, gateways);
            await set.WarmUpAsync();
            return set;
        }

        /// <summary>
        /// Runs every replica's request path (proxying, and admission with the anonymous tier's bucket, in Redis too)
        /// before measuring, so first-request costs do not show up as the bucket mode's latency.
        /// </summary>
        public async Task WarmUpAsync()
        {
            foreach (var gateway in _gateways)
            {
                for (var i = 0; i < 50; i++)
                {
                    using var proxied = await Client.GetAsync(new Uri(gateway.BaseAddress, "/warm-up"));
                    using var enqueued = await Client.PostAsync(new Uri(gateway.BaseAddress, "/enqueue/warm-up"), new StringContent("{}"));
                }
            }
        }

        /// <summary>Redis commands sent by all replicas, from their <c>gateway_admission_redis_round_trips_total</c>.</summary>
        public async Task<long> RoundTripsAsync()
        {
            long total = 0;
            foreach (var gateway in _gateways)
            {
                var text = await Client.GetStringAsync(new Uri(gateway.BaseAddress, "/metrics"));
                var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("gateway_admission_redis_round_trips_total ", StringComparison.Ordinal));
                total += line is null ? 0 : (long)double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
            }

            return total;
        }

        /// <summary>Polls every replica's /healthz until all report <paramref name="status"/>; the run time then, or null.</summary>
        public async Task<TimeSpan?> UntilAllHealthAsync(string status, Stopwatch clock, TimeSpan limit)
        {
            var deadline = clock.Elapsed + limit;
            while (clock.Elapsed < deadline)
            {
                var all = true;
                foreach (var gateway in _gateways)
                {
                    var body = await Client.GetStringAsync(new Uri(gateway.BaseAddress, "/healthz"));
                    all &= JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() == status;
                }

                if (all)
                {
                    return clock.Elapsed;
                }

                await Task.Delay(20);
            }

            return null;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            foreach (var gateway in _gateways)
            {
                await gateway.DisposeAsync();
            }

            if (Redis is not null)
            {
                await Redis.DisposeAsync();
            }

            _config.Dispose();
        }
    }
}
