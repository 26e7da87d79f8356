using System.Globalization;
using Gateway.LoadGen;
using Gateway.LoadTests.UlqSweep;
using Gateway.Testing;
using ServiceTimes;

namespace Gateway.LoadTests.Fleet;

/// <summary>
/// Issue 14's fleet benchmark: can N gateway replicas queue as little as one pooled balancer? Each set-up (ours × 1 and
/// × 3, HAProxy × 1 and × 3, stock YARP × 3, and opt-in fleet mode × 3) runs in front of its own 8 DemoUpstreams × 2
/// slots, all at once on the same arrivals, as ulq-sweep runs its systems (whose start-up and level code this reuses).
/// Beside each measured figure stands the simulator's for the same set-up, so the two can be checked against each other.
/// </summary>
internal static class FleetScenario
{
    /// <summary>The share of each level's arrivals, from its start, left out of the queueing figures.</summary>
    public const double WarmUpShare = 0.1;

    /// <summary>How long the calibration run after the warm-up lasts.</summary>
    public const int CalibrationSeconds = 10;

    public static async Task<int> RunAsync(FleetOptions options)
    {
        var started = TimeProvider.System.GetTimestamp();
        var setups = options.Systems.Select(FleetSetups.Get).ToList();
        var (measures, skipped, checks, pings, excessMs) = await MeasureAsync(options, setups);

        // After every process has stopped, so the simulator takes no CPU from the measurement.
        Console.Error.WriteLine(Invariant($"fleet: simulating {setups.Count} set-ups × {options.Utilizations.Count} levels, {FleetSimulation.Requests:N0} requests each …"));
        var levels = options.Utilizations.ToDictionary(u => u, u => FleetMeasure.LevelUtilization(measures.Where(m => m.TargetUtilization == u)));
        // Fleet mode is simulated at the Redis call time its replicas measured (on a loaded 2-core machine it is ten
        // times a quiet loopback's), and at the default beside it in a note: which of the two the real row follows says
        // whether the trips explain it.
        var callMs = checks.ToDictionary(c => c.Setup, c => c.Check.MeanCallMs);
        double TripMs(FleetSetup s) => s.Fleet && callMs.TryGetValue(s.Id, out var ms) && double.IsFinite(ms) ? ms : FleetSimulation.DefaultStoreRoundTripMs;
        var simulated = setups.ToDictionary(
            s => s.Id,
            s => options.Utilizations.Select(u => FleetSimulation.Run(s, u, levels[u], options.Seed, TripMs(s))).ToList());
        var atDefaultTrip = setups.Where(s => s.Fleet && TripMs(s) != FleetSimulation.DefaultStoreRoundTripMs).ToDictionary(
            s => s.Id,
            s => options.Utilizations.Select(u => FleetSimulation.Run(s, u, levels[u], options.Seed)).ToList());
        var rows = FleetRow.Aggregate(
            measures,
            id => FleetSetups.Get(id).Label,
            (id, u) => simulated[id].Single(s => s.TargetUtilization == u),
            FleetSetups.Anchor);
        IReadOnlyList<FleetSkipped> skips = [.. skipped.Select(s => new FleetSkipped(s.Setup.Id, s.Setup.Label, s.Reason, simulated[s.Setup.Id]))];

        IReadOnlyList<string> notes = [.. checks.Select(c => c.Check.Describe(
            FleetSetups.Get(c.Setup).Label, measures.Where(m => m.Setup == c.Setup).Sum(m => m.Requests))),
            .. pings.Count > 0 ? [FleetRedisPing.Describe(pings)] : Array.Empty<string>(),
            .. atDefaultTrip.Select(d => FleetReport.DescribeTrip(FleetSetups.Get(d.Key).Label, TripMs(FleetSetups.Get(d.Key)), simulated[d.Key], d.Value))];
        var markdown = FleetReport.Markdown(options, rows, measures, skips, notes);
        Console.WriteLine();
        Console.Write(markdown);
        var written = FleetReport.Write(options, markdown, excessMs, rows, measures, skips, notes);
        Console.WriteLine($"Written: {string.Join(", ", written)}");
        Console.Error.WriteLine(Invariant($"fleet: done in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F0} s"));
        return 0;
    }

    /// <summary>
    /// Why the gateway would not start in fleet mode, from what it printed, or null when something else stopped it.
    /// Until fleet mode is built the gateway refuses the unknown key <c>Gateway:Fleet</c> at start-up.
    /// </summary>
    public static string? FleetRefusal(string startOutput)
    {
        var line = startOutput.Split('\n').FirstOrDefault(l => l.Contains("Gateway:Fleet", StringComparison.Ordinal))?.Trim();
        return line switch
        {
            null => null,
            _ when line.Contains("unknown key", StringComparison.Ordinal) => "fleet mode is not built yet (the gateway refuses the key Gateway:Fleet)",
            _ => $"the gateway refused fleet mode: {line}",
        };
    }

    private static async Task<(
        IReadOnlyList<FleetMeasure> Measures,
        IReadOnlyList<(FleetSetup Setup, string Reason)> Skipped,
        IReadOnlyList<(string Setup, FleetModeCheck Check)> Checks,
        IReadOnlyList<FleetRedisPing> Pings,
        double ExcessMs)> MeasureAsync(
        FleetOptions options, IReadOnlyList<FleetSetup> setups)
    {
        var service = ServiceTimeSpec.Parse(FleetOptions.ServiceSpec);
        var running = new List<(FleetSetup Setup, SweepSystem System)>();
        var skipped = new List<(FleetSetup, string)>();
        var measures = new List<FleetMeasure>();
        var pings = new List<FleetRedisPing>();
        RedisServer? redis = null;
        var excessMs = 0.0;
        try
        {
            if (setups.Any(s => s.Fleet))
            {
                redis = await RedisServer.StartAsync();
            }

            foreach (var setup in setups)
            {
                Console.Error.WriteLine($"fleet: starting {setup.Id} ({FleetOptions.Upstreams} DemoUpstreams × {FleetOptions.Slots} slots, {setup.Replicas} × balancer) …");
                IReadOnlyList<string>? gatewayArgs = setup.Fleet ? [$"--Gateway:Fleet:Redis={redis!.Configuration}"] : null;
                try
                {
                    running.Add((setup, await SweepSystems.StartAsync(setup.SweepId, FleetOptions.Upstreams, FleetOptions.Slots, gatewayArgs, UrlSelection.Random)));
                }
                catch (InvalidOperationException ex) when (setup.Fleet && FleetRefusal(ex.Message) is { } reason)
                {
                    Console.WriteLine($"fleet: {setup.Label} skipped: {reason}.");
                    skipped.Add((setup, reason));
                }
            }

            if (running.Count == 0)
            {
                throw new InvalidOperationException("no set-up could start");
            }

            IReadOnlyList<SweepSystem> systems = [.. running.Select(r => r.System)];
            using var generator = new LoadGenerator();
            var groups = Groups(running, options.Together).Count;
            var progress = ScenarioProgress.ForConsole(
                "fleet", TimeSpan.FromSeconds(options.WarmUpSeconds + CalibrationSeconds + (options.Rounds * options.Utilizations.Count * groups * options.Seconds)));
            await SettleAsync("start-up");
            Console.Error.WriteLine($"fleet: warm-up at 50% for {options.WarmUpSeconds} s …");
            var halfLoad = 0.5 * options.TotalSlots * 1000 / service.Mean.TotalMilliseconds;
            var warmUpExcessMs = await UlqSweepScenario.WarmUpAsync(generator, systems, service, halfLoad, options.WarmUpSeconds, options.Seed + 1000, progress);
            await SettleAsync("warm-up");

            // The warm-up's own figure is inflated by the JIT work it sets off (timers wake late on busy cores): taken from
            // it, a 90% level ran at 86.6%. A short run on the quiet machine measures what the levels will see.
            Console.Error.WriteLine($"fleet: calibration at 50% for {CalibrationSeconds} s …");
            excessMs = await UlqSweepScenario.WarmUpAsync(generator, systems, service, halfLoad, CalibrationSeconds, options.Seed + 2000, progress, "calibration");
            Console.Error.WriteLine(Invariant(
                $"fleet: upstreams hold a slot {excessMs:F2} ms longer than asked (median; {warmUpExcessMs:F2} ms during the warm-up)"));

            using var metricsClient = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var fleets = running.Where(r => r.Setup.Fleet).ToList();
            var before = await Task.WhenAll(fleets.Select(f => FleetModeCheck.ReadAsync(f.System.Target.Urls, metricsClient)));

            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var (utilization, level) in options.Utilizations.Select((u, i) => (u, i)))
                {
                    var seed = options.Seed + (100 * round) + level;

                    // From the service times this level will ask for, not the distribution's mean: a heavy-tailed sample's
                    // mean can be several percent off, and the level would run at another load than it is named for.
                    var askedMeanMs = UlqSweepScenario.AskedMs(service, seed, (int)Math.Ceiling(RateFor(utilization, service.Mean.TotalMilliseconds) * options.Seconds)).Average();
                    var rate = RateFor(utilization, askedMeanMs);
                    Console.Error.WriteLine(Invariant(
                        $"fleet: round {round + 1}/{options.Rounds}, {FleetReport.Pct(utilization)}: {rate:F1} req/s (asked mean {askedMeanMs:F1} ms) to each of {systems.Count} set-ups{(options.Together ? " at once" : ", one at a time")}, for {options.Seconds} s …"));
                    foreach (var group in Groups(running, options.Together))
                    {
                        await RunGroupAsync(generator, progress, group, utilization, round, level, seed, rate);
                    }
                }
            }

            // A second for the last releases and keeps to land: then every slot a replica still holds should be a reserve.
            await Task.Delay(TimeSpan.FromSeconds(1));
            var after = await Task.WhenAll(fleets.Select(f => FleetModeCheck.ReadAsync(f.System.Target.Urls, metricsClient)));
            IReadOnlyList<(string, FleetModeCheck)> checks = [.. fleets.Select((f, i) => (f.Setup.Id, after[i].Since(before[i])))];
            return (measures, skipped, checks, pings, excessMs);
        }
        finally
        {
            foreach (var (_, system) in running)
            {
                await system.DisposeAsync();
            }

            if (redis is not null)
            {
                await redis.DisposeAsync();
            }
        }

        async Task RunGroupAsync(
            LoadGenerator generator, ScenarioProgress? progress, IReadOnlyList<(FleetSetup Setup, SweepSystem System)> group, double utilization, int round, int level, int seed, double rate)
        {
            if (!options.Together)
            {
                // The set-up before it leaves connections closing and timers firing; a few quiet seconds keep that out.
                await CpuSettle.WaitAsync(TimeSpan.FromSeconds(10), TimeProvider.System);
            }

            var phase = Invariant($"round {round + 1}/{options.Rounds}, level {level + 1}/{options.Utilizations.Count}, {FleetReport.Pct(utilization)}");
            var cpuBefore = CpuSettle.Read();
            using var stopPing = new CancellationTokenSource();
            var ping = group.Any(g => g.Setup.Fleet) ? RedisPing.RunAsync(redis!.Port, TimeProvider.System, stopPing.Token) : null;
            var (result, _) = await UlqSweepScenario.RunLevelAsync(
                generator, [.. group.Select(g => g.System)], service, rate, options.Seconds, seed, [FleetMeasure.LocalQueueHeader], progress,
                options.Together ? phase : $"{phase}, {group[0].Setup.Id}");
            await stopPing.CancelAsync();
            if (ping is not null)
            {
                pings.Add(new FleetRedisPing(utilization, round + 1, await ping));
            }

            var idle = cpuBefore is { } b && CpuSettle.Read() is { } a ? CpuSettle.IdleShare(b, a) : double.NaN;
            Console.Error.WriteLine(Invariant($"  CPUs {FleetReport.Pct(idle)} idle over the level"));
            foreach (var ((setup, _), target) in group.Zip(result.Targets))
            {
                var measure = FleetMeasure.Of(setup.Id, utilization, round + 1, rate, target.Requests, options.TotalSlots, WarmUpShare) with { CpuIdleShare = idle };
                measures.Add(measure);
                Console.Error.WriteLine(Invariant(
                    $"  {setup.Id,-12} {FleetReport.Pct(measure.Utilization, 1),6} busy  {measure.Ok}/{measure.Requests} OK  queueing {FleetReport.Ms(measure.MeanQueueMs)} / {FleetReport.Ms(measure.P99QueueMs)} ms  upstream-local {FleetReport.Ms(measure.MeanLocalQueueMs)} / {FleetReport.Ms(measure.P99LocalQueueMs)} ms"));
            }
        }

        async Task SettleAsync(string after)
        {
            var (waited, idle) = await CpuSettle.WaitAsync(TimeSpan.FromSeconds(options.Quick ? 30 : 60), TimeProvider.System);
            Console.Error.WriteLine(Invariant(
                $"fleet: CPUs after {after}: {FleetReport.Pct(idle)} idle after {waited.TotalSeconds:F0} s{(idle >= CpuSettle.QuietIdleShare ? "" : " (still busy: the next level may start with a backlog)")}"));
        }

        // Upstreams hold a slot excessMs longer than asked, so that is part of the load too.
        double RateFor(double utilization, double askedMeanMs) => utilization * options.TotalSlots * 1000 / (askedMeanMs + excessMs);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The set-ups that take each level's arrivals together: all of them at once with <c>--together</c>, else one at a
    /// time, so that on two cores one set-up's processes do not slow another's (fleet mode's Redis trips above all).
    /// </summary>
    private static IReadOnlyList<IReadOnlyList<(FleetSetup Setup, SweepSystem System)>> Groups(
        IReadOnlyList<(FleetSetup Setup, SweepSystem System)> running, bool together) =>
        together ? [running] : [.. running.Select(r => (IReadOnlyList<(FleetSetup, SweepSystem)>)[r])];
}
