using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.LoadGen;
using ServiceTimes;

namespace Gateway.LoadTests.UlqSweep;

/// <summary>
/// Queueing delay against utilization for every balancing set-up, measured on real processes. Every system has its
/// own DemoUpstreams and all run at the same time: each arrival goes to every system with the same service time
/// (<c>?ms=</c> drawn from the spec), so they see the same load and the same machine. Queueing delay is end-to-end
/// latency minus the upstream's own time (<c>Server-Timing: app</c>): the wait at the balancer plus the wait in the
/// upstream's local queue, plus the network hops.
/// </summary>
internal static class UlqSweepScenario
{
    private const double WarmUpShare = 0.1;

    // Long enough for forty processes to finish tiered JIT compilation of their hot paths before anything is measured.
    private const int WarmUpSeconds = 45;

    public static async Task<int> RunAsync(UlqSweepOptions options)
    {
        var service = ServiceTimeSpec.Parse(options.ServiceSpec);
        var totalSlots = options.Upstreams * options.Slots;
        var systems = new List<SweepSystem>();
        try
        {
            foreach (var id in options.Systems)
            {
                Console.Error.WriteLine($"ulq-sweep: starting {id} ({options.Upstreams} DemoUpstreams × {options.Slots} slots) …");
                systems.Add(await SweepSystems.StartAsync(id, options));
            }

            var generator = new LoadGenerator();
            var progress = ScenarioProgress.ForConsole("ulq-sweep", TimeSpan.FromSeconds(WarmUpSeconds + (options.Utilizations.Count * options.Seconds)));

            Console.Error.WriteLine($"ulq-sweep: warm-up at 50% for {WarmUpSeconds} s …");
            var excessMs = await WarmUpAsync(generator, systems, service, RateFor(0.5, 0), WarmUpSeconds, options.Seed + 1000, progress);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ulq-sweep: upstreams hold a slot {excessMs:F2} ms longer than asked (median)"));

            var rows = new List<SweepRow>();
            foreach (var (utilization, level) in options.Utilizations.Select((u, i) => (u, i)))
            {
                var rate = RateFor(utilization, excessMs);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ulq-sweep: {utilization:P0}: {rate:F1} req/s to each of {systems.Count} systems for {options.Seconds} s …"));
                var (result, _) = await RunLevelAsync(
                    generator, systems, service, rate, options.Seconds, options.Seed + level, progress: progress,
                    phase: string.Create(CultureInfo.InvariantCulture, $"level {level + 1}/{options.Utilizations.Count}, {utilization:P0}"));
                foreach (var (system, target) in systems.Zip(result.Targets))
                {
                    rows.Add(Summarise(system, target, utilization, rate, options.Seconds, totalSlots));
                }

                PrintRows(rows.Where(r => r.TargetUtilization == utilization), Console.Error);
            }

            Report(options, rows);
            return 0;
        }
        finally
        {
            foreach (var system in systems)
            {
                await system.DisposeAsync();
            }
        }

        double RateFor(double utilization, double excessMs) => utilization * totalSlots * 1000 / (service.Mean.TotalMilliseconds + excessMs);
    }

    /// <summary>
    /// Warm-up opens connections and JIT-compiles every path. It also measures how much longer than asked the upstreams
    /// hold a slot (timer granularity: Task.Delay wakes a few ms late), so the target rates can be calibrated. The excess
    /// is additive and robust as a median; a mean would also count start-up stalls.
    /// </summary>
    internal static async Task<double> WarmUpAsync(
        LoadGenerator generator, IReadOnlyList<SweepSystem> systems, IServiceTimeDistribution service, double rate, int seconds, int seed,
        ScenarioProgress? progress = null, string phase = "warm-up")
    {
        var (warmUp, warmUpAsked) = await RunLevelAsync(generator, systems, service, rate, seconds, seed, progress: progress, phase: phase);
        return Median(warmUp.Targets.SelectMany(t => t.Requests)
            .Where(r => r.AppMs is not null && r.Index < warmUpAsked.Length)
            .Select(r => r.AppMs!.Value - warmUpAsked[r.Index]));
    }

    /// <summary>
    /// One level: Poisson arrivals at <paramref name="rate"/> for <paramref name="seconds"/>, each to every system with
    /// the same service time (<c>?ms=</c>); <paramref name="captureHeaders"/> are kept per request.
    /// </summary>
    internal static async Task<(LoadResult Result, double[] AskedMs)> RunLevelAsync(
        LoadGenerator generator, IReadOnlyList<SweepSystem> systems, IServiceTimeDistribution service, double rate, int seconds, int seed,
        IReadOnlyList<string>? captureHeaders = null, ScenarioProgress? progress = null, string phase = "")
    {
        var count = (int)Math.Ceiling(rate * seconds);
        var askedMs = AskedMs(service, seed, count);
        var plan = new LoadPlan
        {
            Phases = [new LoadPhase(rate, rate, TimeSpan.FromSeconds(seconds))],
            MaxRequests = count,
            MaxDuration = TimeSpan.FromSeconds(seconds + 120),
            Seed = seed,
            PathAndQuery = i => string.Create(CultureInfo.InvariantCulture, $"/api/work/{i}?ms={askedMs[i]}"),
            CaptureHeaders = captureHeaders ?? [],
        };
        var result = await generator.RunAsync(plan, [.. systems.Select(s => s.Target)], progress?.Phase(phase));
        progress?.Complete();
        return (result, askedMs);
    }

    /// <summary>The service times (<c>?ms=</c>) a level with <paramref name="seed"/> asks for, in arrival order.</summary>
    internal static double[] AskedMs(IServiceTimeDistribution service, int seed, int count)
    {
        // Not new Random(seed): the plan's arrival gaps come from that stream, and service times drawn from it too would
        // each be a fixed multiple of the gap before them, which hides most of the queueing.
        var random = Arrivals.ServiceTimeRandom(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Math.Round(service.Sample(random).TotalMilliseconds, 3))];
    }

    private static double Median(IEnumerable<double> values) => LatencySummary.Percentile(values, 50);

    private static SweepRow Summarise(SweepSystem system, TargetResult target, double utilization, double rate, int seconds, int totalSlots)
    {
        var ok = target.Requests.Where(r => r.Status == 200).ToArray();
        var trim = (long)(target.Requests.Count * WarmUpShare);
        var measured = ok.Where(r => r.Index >= trim && r.QueueingMs is not null).ToArray();
        var queue = LatencySummary.Of(measured.Select(r => Math.Max(0, r.QueueingMs!.Value)));
        var e2e = LatencySummary.Of(measured.Select(r => r.LatencyMs));
        var busyMs = ok.Sum(r => r.AppMs ?? 0);
        return new SweepRow(
            system.Id, system.Label, utilization, busyMs / (totalSlots * seconds * 1000.0), rate, target.Requests.Count, ok.Length,
            queue.Mean, queue.P50, queue.P99, e2e.Mean, e2e.P50, e2e.P99);
    }

    private static void Report(UlqSweepOptions options, IReadOnlyList<SweepRow> rows)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var markdown = new StringWriter(CultureInfo.InvariantCulture);
        markdown.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Upstreams} DemoUpstreams × {options.Slots} slots per system, service time {options.ServiceSpec}, Poisson arrivals, {options.Seconds} s per level, the first {WarmUpShare:P0} of each level discarded."));
        markdown.WriteLine();
        PrintRows(rows, markdown);
        markdown.WriteLine();
        foreach (var ratio in Ratios(rows))
        {
            markdown.WriteLine(ratio);
        }

        markdown.WriteLine();
        markdown.WriteLine($"Reproduce: {options.CommandLine}");
        Console.WriteLine();
        Console.Write(markdown.ToString());

        var stem = Path.Combine(options.OutputDirectory, "ulq-sweep");
        File.WriteAllText(stem + ".md", markdown.ToString());
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        File.WriteAllText(stem + "-mean.svg", Plot(rows, "Mean queueing delay", r => r.MeanQueueMs));
        File.WriteAllText(stem + "-p99.svg", Plot(rows, "p99 queueing delay", r => r.P99QueueMs));
        Console.WriteLine($"Written: {stem}.md, {stem}.json, {stem}-mean.svg, {stem}-p99.svg");
    }

    private static void PrintRows(IEnumerable<SweepRow> rows, TextWriter writer)
    {
        writer.WriteLine("| utilization (target / measured) | system | OK | queueing mean / p50 / p99 (ms) | end-to-end mean / p50 / p99 (ms) |");
        writer.WriteLine("|---|---|---:|---:|---:|");
        foreach (var r in rows)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.TargetUtilization:P0} / {r.Utilization:P0} | {r.Label} | {r.Ok}/{r.Requests} | {r.MeanQueueMs:F1} / {r.P50QueueMs:F1} / {r.P99QueueMs:F1} | {r.MeanE2eMs:F1} / {r.P50E2eMs:F1} / {r.P99E2eMs:F1} |"));
        }
    }

    /// <summary>The targets at 90%: ConcurrencyAware against the pooled-queue anchor (HAProxy) and stock P2C.</summary>
    private static IEnumerable<string> Ratios(IReadOnlyList<SweepRow> rows)
    {
        foreach (var level in rows.Select(r => r.TargetUtilization).Distinct())
        {
            var at = rows.Where(r => r.TargetUtilization == level).ToDictionary(r => r.System);
            if (!at.TryGetValue(SweepSystems.GatewayConcurrencyAware, out var ca))
            {
                continue;
            }

            var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"At {level:P0}: ConcurrencyAware mean queueing {ca.MeanQueueMs:F1} ms");
            if (at.TryGetValue(SweepSystems.HAProxy, out var haproxy))
            {
                text.Append(CultureInfo.InvariantCulture, $"; {ca.MeanQueueMs / haproxy.MeanQueueMs:F2} × HAProxy's ({haproxy.MeanQueueMs:F1} ms)");
            }

            if (at.TryGetValue(SweepSystems.YarpPowerOfTwo, out var p2c))
            {
                text.Append(CultureInfo.InvariantCulture, $"; stock PowerOfTwoChoices' is {p2c.MeanQueueMs / ca.MeanQueueMs:F1} × higher ({p2c.MeanQueueMs:F1} ms)");
            }

            yield return text.Append('.').ToString();
        }
    }

    private static string Plot(IReadOnlyList<SweepRow> rows, string title, Func<SweepRow, double> y)
    {
        var chart = new SvgLineChart($"{title} against utilization", "measured utilization", "ms", logY: true);
        foreach (var group in rows.GroupBy(r => r.System)) // The ids are short enough for the legend.
        {
            // A log axis cannot show 0; 0.01 ms stands for "no measurable queueing".
            chart.AddSeries(group.Key, [.. group.Select(r => (r.Utilization, Math.Max(0.01, y(r))))]);
        }

        return chart.Render();
    }
}
