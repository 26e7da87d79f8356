using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Testing;

namespace Gateway.LoadTests.ScrapeCost;

/// <summary>
/// Starts a real gateway with C clusters × D destinations (all served by one DemoUpstream), puts traffic on
/// every destination so every per-destination series exists, then times sequential scrapes of /metrics as
/// Prometheus makes them (gzip) and uncompressed. Gateway CPU per scrape comes from its own CPU counter.
/// </summary>
internal static class ScrapeCostScenario
{
    public static async Task<int> RunAsync(ScrapeCostOptions options)
    {
        var rows = new List<string>();
        foreach (var (clusters, destinations) in options.Sizes)
        {
            rows.Add(await MeasureAsync(clusters, destinations, options.Scrapes));
        }

        Console.WriteLine();
        Console.WriteLine("| clusters × destinations | series | bytes (plain) | bytes (gzip) | scrape p50 | scrape p99 | gzip scrape p50 | gzip scrape p99 | gateway CPU per scrape |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine($"Reproduce: loadtests/run.sh scrape-cost --sizes {string.Join(',', options.Sizes.Select(s => $"{s.Clusters}x{s.Destinations}"))} --scrapes {options.Scrapes}");
        return 0;
    }

    private static async Task<string> MeasureAsync(int clusters, int destinations, int scrapes)
    {
        Console.Error.WriteLine($"scrape-cost: {clusters} clusters × {destinations} destinations …");
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:Slots=256", "--DemoUpstream:ServiceTime=const:1ms");
        using var config = new GatewayConfigFile().Set("Logging:LogLevel:Gateway.AccessLog", JsonValue.Create("Warning"));
        for (var c = 0; c < clusters; c++)
        {
            // A limit of 1 per destination makes D concurrent requests use every destination.
            config.AddCluster(
                $"c{c:00}", "ConcurrencyAware", Enumerable.Repeat(upstream.BaseAddress, destinations), pathPrefix: $"c{c:00}",
                metadata: new Dictionary<string, string> { ["Gateway.ConcurrencyLimit"] = "1" });
        }

        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { Timeout = TimeSpan.FromSeconds(60) };
        for (var round = 0; round < 3; round++)
        {
            var requests = Enumerable.Range(0, clusters).SelectMany(c => Enumerable.Range(0, destinations)
                .Select(_ => client.GetAsync(new Uri(gateway.BaseAddress, $"/c{c:00}/x?ms=20"))));
            foreach (var response in await Task.WhenAll(requests))
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"traffic got {(int)response.StatusCode}; the benchmark needs every request to succeed");
                }

                response.Dispose();
            }
        }

        using var gzipClient = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
        gzipClient.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip");
        var metricsUri = new Uri(gateway.BaseAddress, "/metrics");
        var plainText = await client.GetStringAsync(metricsUri);
        var series = plainText.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        var gzipBytes = (await gzipClient.GetByteArrayAsync(metricsUri)).Length;

        for (var i = 0; i < 20; i++)
        {
            await client.GetStringAsync(metricsUri); // Warm-up (JIT, buffers).
        }

        var cpuBefore = CpuSeconds(await client.GetStringAsync(metricsUri));
        var plain = await TimeScrapesAsync(client, metricsUri, scrapes);
        var gzip = await TimeScrapesAsync(gzipClient, metricsUri, scrapes);
        var cpuAfter = CpuSeconds(await client.GetStringAsync(metricsUri));
        var cpuPerScrapeMs = (cpuAfter - cpuBefore) * 1000 / (2 * scrapes + 1);

        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {clusters} × {destinations} | {series} | {plainText.Length} | {gzipBytes} | {Percentile(plain, 0.5):0.00} ms | {Percentile(plain, 0.99):0.00} ms | {Percentile(gzip, 0.5):0.00} ms | {Percentile(gzip, 0.99):0.00} ms | {cpuPerScrapeMs:0.00} ms |");
    }

    private static async Task<double[]> TimeScrapesAsync(HttpClient client, Uri uri, int scrapes)
    {
        var times = new double[scrapes];
        for (var i = 0; i < scrapes; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead);
            response.EnsureSuccessStatusCode();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(times);
        return times;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static double CpuSeconds(string exposition) => MetricsText.Sum(exposition, "process_cpu_seconds_total");
}
