using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.LoadTests.Peers;
using Gateway.Testing;

namespace Gateway.LoadTests.QueueMemory;

/// <summary>
/// Issue 16's memory figure: what a request waiting in the gateway's queue holds. N client connections each send one
/// request and wait; the proxy's resident set size (RSS, from <c>/proc</c>) is read at each level once every request
/// is where it should be: in the gateway's queue (a limit of 1), in flight through the gateway (no limit), or in
/// flight through stock YARP. In flight, the upstream (one DemoUpstream with slots for all) holds every request for
/// ten minutes, and the proxies reach it over HTTP/2, so N requests take about N/100 upstream connections: this
/// machine allows 20,000 open files per process, and HTTP/1.1 would need one per request on both sides.
/// </summary>
internal static class QueueMemoryScenario
{
    private const string HoldPath = "/hold?ms=600000";
    private const int WarmUpRequests = 500;
    private static readonly TimeSpan ReachTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(QueueMemoryOptions options)
    {
        var rows = new List<QueueMemoryRow>();
        foreach (var system in options.Systems)
        {
            rows.Add(await MeasureAsync(system, options.Levels, options.HoldSeconds));
        }

        var markdown = Markdown(options, rows);
        Console.WriteLine();
        Console.Write(markdown);
        Directory.CreateDirectory("loadtests/results");
        await File.WriteAllTextAsync("loadtests/results/queue-memory.md", markdown);
        Console.WriteLine("Written: loadtests/results/queue-memory.md");
        return 0;
    }

    internal static string Markdown(QueueMemoryOptions options, IReadOnlyList<QueueMemoryRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"| set-up | idle RSS (MB) | {string.Join(" | ", options.Levels.Select(l => $"{l:N0} held: RSS over idle (MB) / per request (KB)"))} |"));
        text.AppendLine($"|---|--:|{string.Concat(options.Levels.Select(_ => "--:|"))}");
        foreach (var row in rows)
        {
            text.AppendLine(Invariant($"| {row.System} | {row.IdleRssMb:F0} | {string.Join(" | ", row.Levels.Select(l => $"{l.RssMb - row.IdleRssMb:F0} / {(l.RssMb - row.IdleRssMb) * 1024 / l.Held:F1}"))} |"));
        }

        text.AppendLine();
        foreach (var row in rows.Where(r => r.Levels.Any(l => double.IsFinite(l.ManagedMb))))
        {
            text.AppendLine(Invariant(
                $"- {row.System}: managed heap {row.IdleManagedMb:F0} MB idle, {string.Join(", ", row.Levels.Select(l => $"{l.ManagedMb:F0} MB at {l.Held:N0}"))} (`dotnet_total_memory_bytes`, after the level's requests arrived)."));
        }

        text.AppendLine("- `gateway-queued`: the gateway with `Gateway.ConcurrencyLimit` 1 on its one destination, so every request but one waits in its queue; `gateway-inflight` and `stock-yarp`: no limit, every request in flight at the upstream (HTTP/2 to it, about 100 streams per connection).");
        text.AppendLine();
        text.AppendLine($"Reproduce: `{options.CommandLine}`");
        return text.ToString();
    }

    private static async Task<QueueMemoryRow> MeasureAsync(string system, IReadOnlyList<int> levels, int holdSeconds)
    {
        Console.Error.WriteLine($"queue-memory: {system} …");
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync(
            $"--DemoUpstream:Slots={QueueMemoryOptions.MaxLevel + 1000}", "--DemoUpstream:ServiceTime=const:1ms", "--Kestrel:EndpointDefaults:Protocols=Http2");
        using var config = new GatewayConfigFile();
        await using var proxy = system == QueueMemorySystems.StockYarp
            ? await PeerProxies.StartStockYarpAsync("PowerOfTwoChoices", [upstream.BaseAddress], clusterSettings: new JsonObject { ["HttpRequest"] = Http2() })
            : await StartGatewayAsync(config, upstream.BaseAddress, queued: system == QueueMemorySystems.GatewayQueued);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var h2 = new HttpClient { Timeout = TimeSpan.FromSeconds(30), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        // Connections, JIT and pools warmed, then the idle figure.
        await Parallel.ForAsync(0, WarmUpRequests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, ct) =>
        {
            using var response = await http.GetAsync(new Uri(proxy.BaseAddress, "/warm?ms=0"), ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{system}: a warm-up request got {(int)response.StatusCode}");
            }
        });
        await Task.Delay(Settle);
        var hasMetrics = system != QueueMemorySystems.StockYarp;
        var idleRss = RssMb(proxy.Id);
        var idleManaged = hasMetrics ? await ManagedMbAsync(http, proxy.BaseAddress) : double.NaN;
        Console.Error.WriteLine(Invariant($"  idle: RSS {idleRss:F0} MB"));

        using var held = new HeldRequests(proxy.BaseAddress, HoldPath);
        var measured = new List<QueueMemoryLevel>();
        foreach (var level in levels)
        {
            using var timeout = new CancellationTokenSource(ReachTimeout);
            await held.GrowToAsync(level, timeout.Token);
            await WaitUntilHeldAsync(system, level, http, h2, proxy.BaseAddress, upstream.BaseAddress, timeout.Token);
            await Task.Delay(Settle);
            var rss = RssMb(proxy.Id);
            var managed = hasMetrics ? await ManagedMbAsync(http, proxy.BaseAddress) : double.NaN;
            measured.Add(new QueueMemoryLevel(level, rss, managed));
            Console.Error.WriteLine(Invariant($"  {level:N0} held: RSS {rss:F0} MB, {rss - idleRss:F0} MB over idle, {(rss - idleRss) * 1024 / level:F1} KB per request"));
            if (holdSeconds > 0)
            {
                Console.Error.WriteLine(Invariant($"  holding for {holdSeconds} s: {system} is process {proxy.Id}"));
                await Task.Delay(TimeSpan.FromSeconds(holdSeconds));
            }
        }

        return new QueueMemoryRow(system, idleRss, idleManaged, measured);
    }

    private static JsonObject Http2() => new() { ["Version"] = "2", ["VersionPolicy"] = "RequestVersionExact" };

    private static Task<ServerProcess> StartGatewayAsync(GatewayConfigFile config, Uri upstream, bool queued)
    {
        config.AddCluster(
            "held", queued ? "ConcurrencyAware" : "LeastOutstanding", [upstream],
            metadata: queued ? new Dictionary<string, string> { ["Gateway.ConcurrencyLimit"] = "1" } : null);
        config.Set("ReverseProxy:Clusters:held:HttpRequest", Http2())
            .Set("Gateway:Queue:MaxLength", JsonValue.Create(QueueMemoryOptions.MaxLevel + 1000))
            .Set("Gateway:Queue:Timeout", JsonValue.Create("00:10:00"));
        return ServerProcess.StartGatewayAsync("--config", config.Write());
    }

    /// <summary>Waits until every request is held: queued but one in the gateway, else all in flight at the upstream.</summary>
    private static async Task WaitUntilHeldAsync(
        string system, int level, HttpClient http, HttpClient h2, Uri proxy, Uri upstream, CancellationToken cancellationToken)
    {
        var (queued, busy) = (0.0, 0.0);
        try
        {
            while (true)
            {
                busy = MetricsText.Sum(await h2.GetStringAsync(new Uri(upstream, "/metrics"), cancellationToken), "demo_slots_busy");
                queued = system == QueueMemorySystems.GatewayQueued
                    ? MetricsText.Sum(await http.GetStringAsync(new Uri(proxy, "/metrics"), cancellationToken), "gateway_queue_length")
                    : 0;
                if (system == QueueMemorySystems.GatewayQueued ? busy == 1 && queued == level - 1 : busy == level)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(Invariant(
                $"{system}: {level:N0} requests sent, but after {ReachTimeout.TotalSeconds:F0} s the upstream holds {busy:F0} and the gateway queues {queued:F0}"));
        }
    }

    private static async Task<double> ManagedMbAsync(HttpClient http, Uri proxy) =>
        MetricsText.Sum(await http.GetStringAsync(new Uri(proxy, "/metrics")), "dotnet_total_memory_bytes") / (1024 * 1024);

    /// <summary>The resident set size of process <paramref name="pid"/> in MB, from <c>/proc/PID/status</c>.</summary>
    internal static double RssMb(int pid) => ParseRssKb(File.ReadAllLines($"/proc/{pid}/status")) / 1024.0;

    internal static long ParseRssKb(IEnumerable<string> status)
    {
        var line = status.FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            ?? throw new FormatException("no VmRSS line in /proc/PID/status");
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
