using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Gateway.AccessLog;
using Gateway.Hosting;
using Gateway.LoadBalancing;
using Gateway.Metrics;
using Gateway.MetricsCost;
using Gateway.UpstreamFeedback;
using MetricsExposition;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

// Old (System.Diagnostics.Metrics + the hand-written exposition, as of commit 5bd0045) against new (prometheus-net in
// the gateway's registry), interleaved round by round in one process so machine drift hits both alike.
var rounds = Arg("--rounds", 7);
var requests = Arg("--requests", 200_000);
var scrapes = Arg("--scrapes", 15);

var hot = (Old: new List<(double Ns, double Bytes)>(), New: new List<(double Ns, double Bytes)>(), Sampled: new List<(double Ns, double Bytes)>());
var sizes = new[] { (Clusters: 10, Destinations: 10), (Clusters: 20, Destinations: 50) };
var scrape = sizes.ToDictionary(s => s, _ => (Old: new List<double>(), New: new List<double>()));
var bytes = new Dictionary<(int, int), (Side.Size Old, Side.Size New)>();

var hotOld = Side.Old(10, 10);
var hotNew = Side.New(10, 10);
var scrapeSides = sizes.ToDictionary(s => s, s => (Old: Side.Old(s.Clusters, s.Destinations), New: Side.New(s.Clusters, s.Destinations)));
foreach (var s in sizes)
{
    bytes[s] = (await scrapeSides[s].Old.MeasureAsync(), await scrapeSides[s].New.MeasureAsync());
}

for (var round = 0; round <= rounds; round++)
{
    // Round 0 warms up (JIT, tiering) and is not counted; odd rounds run new first.
    var newFirst = round % 2 == 1;
    var o = hotOld.HotPath(requests, sampled: false);
    var n = hotNew.HotPath(requests, sampled: false);
    var ns = hotNew.HotPath(requests, sampled: true);
    if (newFirst)
    {
        n = hotNew.HotPath(requests, sampled: false);
    }

    var scraped = new Dictionary<(int, int), (double Old, double New)>();
    foreach (var s in sizes)
    {
        var (oldSide, newSide) = scrapeSides[s];
        double so, sn;
        if (newFirst)
        {
            sn = await newSide.ScrapeMedianMsAsync(scrapes);
            so = await oldSide.ScrapeMedianMsAsync(scrapes);
        }
        else
        {
            so = await oldSide.ScrapeMedianMsAsync(scrapes);
            sn = await newSide.ScrapeMedianMsAsync(scrapes);
        }

        scraped[s] = (so, sn);
    }

    if (round == 0)
    {
        continue;
    }

    hot.Old.Add(o);
    hot.New.Add(n);
    hot.Sampled.Add(ns);
    foreach (var s in sizes)
    {
        scrape[s].Old.Add(scraped[s].Old);
        scrape[s].New.Add(scraped[s].New);
    }

    Console.Error.WriteLine($"round {round}: hot old {o.Ns:F0} ns, new {n.Ns:F0} ns; scrape 20x50 old {scraped[sizes[1]].Old:F1} ms, new {scraped[sizes[1]].New:F1} ms");
}

Console.WriteLine($"\n{rounds} interleaved rounds (medians over rounds); hot path: {requests:N0} requests per round, each one RecordRequest + RecordQueueWait + RecordUpstream (6 measurements) over 100 destinations; scrapes: median of {scrapes} per round.\n");
Console.WriteLine("| per request (hot path) | old | new | new / old |");
Console.WriteLine("|---|---:|---:|---:|");
Row("ns per request", Median(hot.Old, x => x.Ns), Median(hot.New, x => x.Ns), "F0");
Row("bytes allocated per request", Median(hot.Old, x => x.Bytes), Median(hot.New, x => x.Bytes), "F1");
Console.WriteLine($"| new, inside a sampled trace (exemplars recorded) | | {Median(hot.Sampled, x => x.Ns):F0} ns, {Median(hot.Sampled, x => x.Bytes):F1} B | |");
Console.WriteLine("\n| scrape | old | new | new / old |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var s in sizes)
{
    var label = $"{s.Clusters} × {s.Destinations}";
    Row($"{label}: ms per scrape (collect + serialize)", Median(scrape[s].Old, x => x), Median(scrape[s].New, x => x), "F2");
    Row($"{label}: series", bytes[s].Old.Series, bytes[s].New.Series, "F0");
    Row($"{label}: bytes (plain)", bytes[s].Old.Plain, bytes[s].New.Plain, "N0");
    Row($"{label}: bytes (gzip, fastest)", bytes[s].Old.Gzip, bytes[s].New.Gzip, "N0");
}

return;

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Median<T>(List<T> values, Func<T, double> select)
{
    var sorted = values.Select(select).Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static void Row(string what, double old, double @new, string format) =>
    Console.WriteLine($"| {what} | {old.ToString(format, CultureInfo.InvariantCulture)} | {@new.ToString(format, CultureInfo.InvariantCulture)} | {(old == 0 ? "–" : (@new / old).ToString("F2", CultureInfo.InvariantCulture))} |");

/// <summary>One exposition with C clusters × D destinations of series, recorded through the gateway's own calls.</summary>
internal sealed class Side
{
    private readonly Action<string, string, string, int, TimeSpan> _request;
    private readonly Action<string, TimeSpan> _queueWait;
    private readonly Action<string, string, TimeSpan, TimeSpan?, TimeSpan?> _upstream;
    private readonly Func<MemoryStream, Task> _scrape;
    private readonly (string Route, string Cluster, string Destination)[] _targets;

    private Side(
        Action<string, string, string, int, TimeSpan> request,
        Action<string, TimeSpan> queueWait,
        Action<string, string, TimeSpan, TimeSpan?, TimeSpan?> upstream,
        Func<MemoryStream, Task> scrape,
        int clusters,
        int destinations)
    {
        (_request, _queueWait, _upstream, _scrape) = (request, queueWait, upstream, scrape);
        _targets = [.. Enumerable.Range(0, clusters).SelectMany(c => Enumerable.Range(0, destinations).Select(d => ($"r{c}", $"c{c}", $"d{d}")))];

        // Every series exists, with observations spread over the buckets.
        for (var i = 0; i < _targets.Length * 20; i++)
        {
            Record(i);
        }
    }

    public readonly record struct Size(double Series, double Plain, double Gzip);

    /// <summary>Today's exposition as the gateway shipped it: the Gateway, runtime and Kestrel meters, text built in a StringBuilder.</summary>
    public static Side Old(int clusters, int destinations)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var options = new PrometheusExpositionOptions();
        options.Meters.Add("Gateway");
        var collector = new PrometheusCollector(options, meters);
        var instruments = new OldGatewayInstruments(meters);
        return new Side(
            instruments.RecordRequest, instruments.RecordQueueWait, instruments.RecordUpstream,
            async stream =>
            {
                var builder = new StringBuilder(64 * 1024);
                collector.Collect(builder);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(builder.ToString()));
            },
            clusters,
            destinations);
    }

    /// <summary>The gateway's request, queue and upstream metrics and its registry, built by AddGateway (not started).</summary>
    public static Side New(int clusters, int destinations)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddGateway(builder.Configuration);
        var app = builder.Build();
        FeatureMetrics.CreateAll(app.Services);
        var registry = app.Services.GetRequiredService<CollectorRegistry>();
        return new Side(
            app.Services.GetRequiredService<RequestMetrics>().RecordRequest,
            app.Services.GetRequiredService<LoadBalancingMetrics>().RecordQueueWait,
            app.Services.GetRequiredService<UpstreamMetrics>().RecordUpstream,
            stream => registry.CollectAndExportAsTextAsync(stream),
            clusters,
            destinations);
    }

    public (double Ns, double Bytes) HotPath(int requests, bool sampled)
    {
        using var activity = sampled ? StartSampledActivity() : null;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            Record(i);
        }

        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (watch.Elapsed.TotalNanoseconds / requests, (double)allocated / requests);
    }

    public async Task<double> ScrapeMedianMsAsync(int count)
    {
        var times = new List<double>(count);
        using var stream = new MemoryStream(8 << 20);
        for (var i = 0; i < count; i++)
        {
            stream.SetLength(0);
            var started = Stopwatch.GetTimestamp();
            await _scrape(stream);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return times[count / 2];
    }

    public async Task<Size> MeasureAsync()
    {
        using var stream = new MemoryStream();
        await _scrape(stream);
        var plain = stream.ToArray();
        using var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(plain);
        }

        var series = Encoding.UTF8.GetString(plain).Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        return new Size(series, plain.Length, gzipped.Length);
    }

    private static Activity StartSampledActivity()
    {
        var activity = new Activity("bench");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        return activity.Start();
    }

    private void Record(int i)
    {
        var (route, cluster, destination) = _targets[i % _targets.Length];
        var seconds = TimeSpan.FromMilliseconds(0.3 * ((i % 997) + 1));
        _request(route, cluster, destination, 200, seconds);
        _queueWait(cluster, seconds / 10);
        _upstream(cluster, destination, seconds, seconds / 2, seconds / 3);
    }
}
