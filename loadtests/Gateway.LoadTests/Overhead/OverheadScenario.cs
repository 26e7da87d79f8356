using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.LoadGen;
using Gateway.LoadTests.Peers;
using Gateway.Testing;

namespace Gateway.LoadTests.Overhead;

/// <summary>
/// What a proxy hop costs: the gateway with every feature on, stock YARP, HAProxy and nginx, each in front of the
/// same trivial upstream (nginx answering 200), plus the upstream reached directly as the baseline.
/// Throughput ceilings come from wrk (closed loop), the systems taking turns in interleaved rounds so drift in this
/// machine's speed falls on all of them; latency comes from the open-loop generator at a share of the gateway's ceiling.
/// </summary>
internal static class OverheadScenario
{
    private const string Direct = "direct (no proxy)";
    private const string Gateway = "Gateway, all features";
    private const string LeanGateway = "Gateway, no access log, metrics or Server-Timing";
    private const string StockYarp = "stock YARP";
    private const string LocalAdmission = "Gateway + admission, local";
    private const string RedisAdmission = "Gateway + admission, Redis";
    private const int MaxConnections = 256;

    public static async Task<int> RunAsync(OverheadOptions options)
    {
        await using var upstream = await PeerProxies.StartTrivialUpstreamAsync();
        IReadOnlyList<Uri> servers = [upstream.BaseAddress];

        // Every feature on: ConcurrencyAware gate and queue, Server-Timing to the client, the access log, /metrics.
        // Standard output (the access log) goes to a file, as a container runtime would take it: read through a pipe
        // by this process, the lines would cost this machine's CPU on the gateway's account and no peer's.
        using var gatewayConfig = GatewayConfig(servers);
        await using var gateway = await StartGatewayAsync(gatewayConfig);

        // The same gateway with the optional outputs off (the access log, /metrics, Server-Timing to the client): what
        // the request path itself costs, gate and queue included.
        using var leanConfig = GatewayConfig(servers)
            .Set("Gateway:Timing:AccessLog", JsonValue.Create(false))
            .Set("Gateway:Timing:ServerTimingHeader", JsonValue.Create(false))
            .Set("Gateway:Metrics:Enabled", JsonValue.Create(false));
        await using var lean = await StartGatewayAsync(leanConfig);

        // The same gateway with the route marked as an enqueue route: every request also goes through tenant admission
        // (class, shedding check, concurrency cap, token bucket, RateLimit headers), with limits it never reaches, so
        // the difference is what the decision costs. Once with buckets in memory, once shared through a redis-server.
        using var localAdmissionConfig = WithAdmission(GatewayConfig(servers));
        await using var localAdmission = await StartGatewayAsync(localAdmissionConfig);
        await using var redis = await RedisServer.StartAsync();
        using var redisAdmissionConfig = WithAdmission(GatewayConfig(servers))
            .Set("Gateway:Admission:Redis:Configuration", JsonValue.Create(redis.Configuration));
        await using var redisAdmission = await StartGatewayAsync(redisAdmissionConfig);
        await using var stockYarp = await PeerProxies.StartStockYarpAsync("PowerOfTwoChoices", servers);
        await using var haproxy = await PeerProxies.StartHAProxyAsync(servers, "leastconn", maxConnPerServer: null);
        await using var nginx = await PeerProxies.StartNginxProxyAsync(servers);

        (string Name, Uri Url)[] systems =
        [
            (Direct, upstream.BaseAddress),
            (Gateway, gateway.BaseAddress),
            (LeanGateway, lean.BaseAddress),
            (LocalAdmission, localAdmission.BaseAddress),
            (RedisAdmission, redisAdmission.BaseAddress),
            (StockYarp, stockYarp.BaseAddress),
            ("HAProxy 2.6", haproxy.BaseAddress),
            ("nginx 1.22", nginx.BaseAddress),
        ];

        Console.Error.WriteLine("overhead: warming up …");
        // A bounded pool, as real callers have: without one, a stall makes an open loop open a connection per
        // request (a SYN flood on loopback) and the client, not the proxy, becomes what is measured.
        var handler = LoadGenerator.CreateDefaultHandler();
        handler.MaxConnectionsPerServer = MaxConnections;
        using var generator = new LoadGenerator(new HttpMessageInvoker(handler));
        foreach (var (_, url) in systems)
        {
            await Wrk.RunAsync(url, options.Connections, TimeSpan.FromSeconds(2));
            await generator.WarmUpAsync([url], options.Connections);
            await generator.RunClosedAsync(LoadTarget.Of(url), options.Connections, TimeSpan.FromSeconds(2), int.MaxValue);
        }

        // Two ceilings per system: wrk's (a C client that leaves the most CPU to the proxy, the stricter comparison) and
        // the open-loop generator's own closed loop. The latency runs use a share of the latter: on a 2-core machine the
        // .NET client's CPU is part of what saturates, so a share of wrk's ceiling would overload client and proxy together.
        var throughput = systems.ToDictionary(s => s.Name, _ => new List<WrkResult>());
        var generatorThroughput = systems.ToDictionary(s => s.Name, _ => new List<double>());
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var (name, url) in Rotate(systems, round))
            {
                var result = await Wrk.RunAsync(url, options.Connections, TimeSpan.FromSeconds(options.ThroughputSeconds));
                throughput[name].Add(result);
                var closed = await generator.RunClosedAsync(LoadTarget.Of(url), options.Connections, TimeSpan.FromSeconds(options.ThroughputSeconds), int.MaxValue);
                generatorThroughput[name].Add(closed.Targets[0].ThroughputPerSecond);
                Console.Error.WriteLine($"overhead: round {round + 1} {name}: wrk {result.RequestsPerSecond:F0} req/s, generator {closed.Targets[0].ThroughputPerSecond:F0} req/s");
            }
        }

        var gatewayMax = Median(generatorThroughput[Gateway]);
        var rate = Math.Round(gatewayMax * options.LoadShare);
        var progress = ScenarioProgress.ForConsole("overhead", TimeSpan.FromSeconds(options.Rounds * systems.Length * options.LatencySeconds));
        var latency = systems.ToDictionary(s => s.Name, _ => new List<TargetResult>());
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var (name, url) in Rotate(systems, round))
            {
                var plan = new LoadPlan
                {
                    Phases = [new LoadPhase(rate, rate, TimeSpan.FromSeconds(options.LatencySeconds))],
                    MaxRequests = (int)(rate * options.LatencySeconds),
                    MaxDuration = TimeSpan.FromSeconds(options.LatencySeconds + 30),
                    Seed = round + 1,
                };
                var result = (await generator.RunAsync(plan, [new LoadTarget(name, [url])], progress.Phase($"latency, round {round + 1}/{options.Rounds}, {name}"))).Targets[0];
                progress.Complete();
                latency[name].Add(result);
                Console.Error.WriteLine($"overhead: round {round + 1} {name} at {rate:F0} req/s: p50 {result.Latency.P50:F3} ms, p99 {result.Latency.P99:F3} ms");
            }
        }

        var stockMax = Median(throughput[StockYarp].Select(r => r.RequestsPerSecond));
        var stockGeneratorMax = Median(generatorThroughput[StockYarp]);
        Console.WriteLine();
        Console.WriteLine($"Throughput: closed loop, {options.Connections} connections, {options.ThroughputSeconds} s per system per round, median of {options.Rounds} interleaved rounds; "
            + "by wrk (1 thread) and by this repository's generator.");
        Console.WriteLine($"Latency: open-loop Poisson at {rate:F0} req/s ({options.LoadShare:P0} of the gateway's ceiling under the generator), {options.LatencySeconds} s per system per round; "
            + "added = the system's percentile minus the direct baseline's in the same round, median over rounds.");
        Console.WriteLine();
        Console.WriteLine($"| system | throughput, wrk (req/s) | × stock YARP | throughput, generator (req/s) | × stock YARP | p50 / p99 at {rate:F0} req/s (ms) | added p50 / p99 vs direct (ms) | failed |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, _) in systems)
        {
            var max = Median(throughput[name].Select(r => r.RequestsPerSecond));
            var generatorMax = Median(generatorThroughput[name]);
            var p50 = Median(latency[name].Select(r => r.Latency.P50));
            var p99 = Median(latency[name].Select(r => r.Latency.P99));
            var added = name == Direct
                ? "–"
                : string.Create(CultureInfo.InvariantCulture, $"{Median(latency[name].Zip(latency[Direct], (s, d) => s.Latency.P50 - d.Latency.P50)):F3} / {Median(latency[name].Zip(latency[Direct], (s, d) => s.Latency.P99 - d.Latency.P99)):F3}");
            var failed = throughput[name].Sum(r => r.Non2xx + r.SocketErrors) + latency[name].Sum(r => r.Errors);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {max:N0} | {max / stockMax:F2} | {generatorMax:N0} | {generatorMax / stockGeneratorMax:F2} | {p50:F3} / {p99:F3} | {added} | {failed} |"));
        }

        // The gateway's own share of the latency: each gateway's percentiles minus stock YARP's in the same round.
        Console.WriteLine();
        Console.WriteLine($"Against stock YARP: each gateway's percentile minus stock YARP's in the same round, at {rate:F0} req/s, median over rounds.");
        Console.WriteLine();
        Console.WriteLine("| system | p50 − stock YARP (ms) | p99 − stock YARP (ms) | rounds with p99 no worse than stock YARP |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var name in new[] { Gateway, LeanGateway })
        {
            var p50 = Median(latency[name].Zip(latency[StockYarp], (g, y) => g.Latency.P50 - y.Latency.P50));
            var p99 = Median(latency[name].Zip(latency[StockYarp], (g, y) => g.Latency.P99 - y.Latency.P99));
            var noWorse = latency[name].Zip(latency[StockYarp], (g, y) => g.Latency.P99 <= y.Latency.P99).Count(b => b);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {p50:F3} | {p99:F3} | {noWorse} of {options.Rounds} |"));
        }

        // What the admission decision adds: each admission gateway's percentiles minus the plain gateway's in the same
        // round (the same build and features otherwise), median over rounds.
        Console.WriteLine();
        Console.WriteLine($"Admission cost: the gateway with every request on an enqueue route, minus the same gateway without, at {rate:F0} req/s, median over rounds.");
        Console.WriteLine();
        Console.WriteLine("| admission | added p50 (ms) | added p99 (ms) | throughput × gateway without (wrk) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var name in new[] { LocalAdmission, RedisAdmission })
        {
            var addedP50 = Median(latency[name].Zip(latency[Gateway], (a, g) => a.Latency.P50 - g.Latency.P50));
            var addedP99 = Median(latency[name].Zip(latency[Gateway], (a, g) => a.Latency.P99 - g.Latency.P99));
            var ratio = Median(throughput[name].Select(r => r.RequestsPerSecond)) / Median(throughput[Gateway].Select(r => r.RequestsPerSecond));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {(name == LocalAdmission ? "local buckets" : "Redis, reserved batches")} | {addedP50:F3} | {addedP99:F3} | {ratio:F2} |"));
        }

        var accessLines = File.ReadLines(Path.Combine(gateway.WorkDirectory, "access.log")).Count(l => l.Contains(" route=", StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine($"The gateway wrote {accessLines:N0} access-log lines during the run.");
        Console.WriteLine();
        Console.WriteLine($"Reproduce: {options.CommandLine}");
        return 0;
    }

    private static GatewayConfigFile GatewayConfig(IReadOnlyList<Uri> servers) => new GatewayConfigFile()
        .Set("Logging:LogLevel:Gateway.AccessLog", JsonValue.Create("Information"))
        .AddCluster("bench", "ConcurrencyAware", servers);

    /// <summary>Every request on the enqueue route, as the anonymous tenant, with limits the run never reaches.</summary>
    private static GatewayConfigFile WithAdmission(GatewayConfigFile config) => config
        .Set("ReverseProxy:Routes:demo:Metadata:Gateway.Enqueue", JsonValue.Create("true"))
        .Set("Gateway:Admission:Tiers:anonymous:RatePerSecond", JsonValue.Create(1_000_000))
        .Set("Gateway:Admission:Tiers:anonymous:Burst", JsonValue.Create(1_000_000))
        .Set("Gateway:Admission:Tiers:anonymous:MaxConcurrency", JsonValue.Create(100_000));

    private static async Task<ExternalProcess> StartGatewayAsync(GatewayConfigFile config)
    {
        var port = LoopbackPort.Free();
        return await ExternalProcess.StartAsync(
            "/bin/sh", await File.ReadAllTextAsync(config.Write()), port, "-c",
            // The gateway watches its config file's directory tree for edits: the config goes in a directory of its own,
            // or every write of the access log beside it would wake that watcher (a benchmark artifact, not a deployment).
            string.Create(
                CultureInfo.InvariantCulture,
                $"mkdir '{{dir}}/config' && mv '{{config}}' '{{dir}}/config/gateway.json' && exec dotnet '{RepoLayout.GatewayDll}' --config '{{dir}}/config/gateway.json' --urls http://127.0.0.1:{port} > '{{dir}}/access.log' 2>&1"));
    }

    private static double Median(IEnumerable<double> values) => LatencySummary.Percentile(values, 50);

    /// <summary>Each round starts one system later, so no system always runs first (or right after the same one).</summary>
    private static IEnumerable<T> Rotate<T>(IReadOnlyList<T> items, int round) =>
        Enumerable.Range(0, items.Count).Select(i => items[(i + round) % items.Count]);
}
