using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.LoadGen;
using Gateway.LoadTests.Peers;
using Gateway.Tests.Integration;

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
    private const string StockYarp = "stock YARP";
    private const int MaxConnections = 256;

    public static async Task<int> RunAsync(OverheadOptions options)
    {
        await using var upstream = await PeerProxies.StartTrivialUpstreamAsync();
        IReadOnlyList<Uri> servers = [upstream.BaseAddress];

        // Every feature on: ConcurrencyAware gate and queue, Server-Timing to the client, the access log, /metrics.
        // Standard output (the access log) goes to a file, as a container runtime would take it: read through a pipe
        // by this process, the lines would cost this machine's CPU on the gateway's account and no peer's.
        using var gatewayConfig = new GatewayConfigFile()
            .Set("Logging:LogLevel:Gateway.AccessLog", JsonValue.Create("Information"))
            .AddCluster("bench", "ConcurrencyAware", servers);
        var gatewayPort = LoopbackPort.Free();
        await using var gateway = await ExternalProcess.StartAsync(
            "/bin/sh", await File.ReadAllTextAsync(gatewayConfig.Write()), gatewayPort, "-c",
            string.Create(CultureInfo.InvariantCulture, $"exec dotnet '{RepoLayout.GatewayDll}' --config '{{config}}' --urls http://127.0.0.1:{gatewayPort} > '{{dir}}/access.log' 2>&1"));
        await using var stockYarp = await PeerProxies.StartStockYarpAsync("PowerOfTwoChoices", servers);
        await using var haproxy = await PeerProxies.StartHAProxyAsync(servers, "leastconn", maxConnPerServer: null);
        await using var nginx = await PeerProxies.StartNginxProxyAsync(servers);

        (string Name, Uri Url)[] systems =
        [
            (Direct, upstream.BaseAddress),
            (Gateway, gateway.BaseAddress),
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
                var result = (await generator.RunAsync(plan, [new LoadTarget(name, [url])])).Targets[0];
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

        var accessLines = File.ReadLines(Path.Combine(gateway.WorkDirectory, "access.log")).Count(l => l.Contains(" route=", StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine($"The gateway wrote {accessLines:N0} access-log lines during the run.");
        Console.WriteLine();
        Console.WriteLine($"Reproduce: {options.CommandLine}");
        return 0;
    }

    private static double Median(IEnumerable<double> values) => LatencySummary.Percentile(values, 50);

    /// <summary>Each round starts one system later, so no system always runs first (or right after the same one).</summary>
    private static IEnumerable<T> Rotate<T>(IReadOnlyList<T> items, int round) =>
        Enumerable.Range(0, items.Count).Select(i => items[(i + round) % items.Count]);
}
