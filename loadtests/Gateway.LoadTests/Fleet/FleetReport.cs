using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.LoadGen;

namespace Gateway.LoadTests.Fleet;

/// <summary>The fleet benchmark's report: the Markdown table, the JSON with every round, and real-against-simulated plots.</summary>
internal static class FleetReport
{
    /// <summary>Measured and target load further apart than this make a level suspect, and the report says so.</summary>
    public const double LoadTolerance = 0.03;

    /// <summary>
    /// Less idle CPU than this over a level means something besides the benchmark ran (it leaves most of two cores idle
    /// with one set-up running, about half with all seven), and the report says so.
    /// </summary>
    public const double BusyMachineIdleShare = 0.2;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report; <paramref name="notes"/> are further lines for its list (fleet mode's own check).</summary>
    public static string Markdown(
        FleetOptions options, IReadOnlyList<FleetRow> rows, IReadOnlyList<FleetMeasure> measures, IReadOnlyList<FleetSkipped> skipped, IReadOnlyList<string> notes)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant(
            $"{FleetOptions.Upstreams} DemoUpstreams × {FleetOptions.Slots} slots per set-up ({options.TotalSlots} slots), service time `{FleetOptions.ServiceSpec}` drawn independently of the arrivals; every set-up gets the same Poisson arrivals, spread at random over its replicas, {(options.Together ? "all at once" : "one set-up after another while the others idle")}. {options.Seconds} s per level, {options.Rounds} round{(options.Rounds == 1 ? "" : "s")} (figures are medians over rounds, counts are totals); the first {Pct(FleetScenario.WarmUpShare)} of each level is left out of the queueing figures."));
        text.AppendLine();
        text.AppendLine("| load (target / measured) | set-up | OK / errors | queueing mean / p99 (ms) | simulated mean / p99 (ms) | real ÷ simulated (mean / p99) | upstream-local mean / p99 (ms) [simulated mean] | ÷ HAProxy × 1, real (mean / p99) | ÷ HAProxy × 1, simulated (mean / p99) |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var row in rows)
        {
            text.AppendLine(Row(row));
        }

        text.AppendLine();
        text.AppendLine("- **Queueing** is end-to-end latency minus the upstream's own time (`Server-Timing: app`): the wait at the balancer and in the upstream's local queue, plus the client, proxy and loopback time every request pays (a few ms on this machine).");
        text.AppendLine("- **Upstream-local** is DemoUpstream's ground truth (`X-Demo-Queue-Ms`): how long requests waited for a slot at the upstream itself.");
        text.AppendLine(Invariant(
            $"- **Simulated** is `loadtests/Gateway.Simulator` driven directly (`Simulation`), with the set-up's policy and replicas, {FleetOptions.Upstreams} × {FleetOptions.Slots}, the same service time, at the level's measured utilization, {FleetSimulation.Requests:N0} requests, seed {options.Seed}; fleet mode at the Redis round trip its replicas measured (see its note). It has no client or proxy time (0.5 ms round trip), so at low queueing real ÷ simulated is above 1 by that floor alone."));
        foreach (var line in LoadCheck(rows, measures))
        {
            text.AppendLine(line);
        }

        foreach (var note in notes)
        {
            text.AppendLine(note);
        }

        foreach (var skip in skipped)
        {
            var simulated = string.Join("; ", skip.Simulated.Select(s => Invariant($"{Pct(s.TargetUtilization)}: {Ms(s.MeanQueueMs)} / {Ms(s.P99QueueMs)} ms")));
            text.AppendLine($"- **{skip.Label}**: not run, {skip.Reason}. The simulator gives mean / p99 queueing {simulated}.");
        }

        text.AppendLine();
        text.AppendLine($"Reproduce: `{options.CommandLine}`");
        return text.ToString();
    }

    public static string Row(FleetRow r)
    {
        var anchor = r.VersusAnchor;
        return Invariant(
            $"| {Pct(r.TargetUtilization)} / {Pct(r.Utilization, 1)} | {r.Label} | {r.Ok:N0} / {r.Errors:N0} | {Ms(r.MeanQueueMs)} / {Ms(r.P99QueueMs)} | {Ms(r.Simulated.MeanQueueMs)} / {Ms(r.Simulated.P99QueueMs)} | {Ratio(r.MeanRatio)} / {Ratio(r.P99Ratio)} | {Ms(r.MeanLocalQueueMs)} / {Ms(r.P99LocalQueueMs)} [{Ms(r.Simulated.MeanLocalQueueMs)}] | {Ratio(anchor?.RealMean)} / {Ratio(anchor?.RealP99)} | {Ratio(anchor?.SimulatedMean)} / {Ratio(anchor?.SimulatedP99)} |");
    }

    /// <summary>
    /// Per level, the load that ran: the utilization the upstreams' busy time shows, its spread over set-ups, and a
    /// warning when it is more than <see cref="LoadTolerance"/> from the target.
    /// </summary>
    public static IEnumerable<string> LoadCheck(IReadOnlyList<FleetRow> rows, IReadOnlyList<FleetMeasure> measures)
    {
        foreach (var level in measures.GroupBy(m => m.TargetUtilization).OrderBy(g => g.Key))
        {
            var ran = FleetMeasure.LevelUtilization(level);
            var (low, high) = (rows.Where(r => r.TargetUtilization == level.Key).Min(r => r.Utilization), rows.Where(r => r.TargetUtilization == level.Key).Max(r => r.Utilization));
            var rate = FleetRow.Median(level.Select(m => m.RatePerSecond));
            var service = FleetRow.Median(level.Select(m => m.MeanServiceMs));
            var idle = FleetRow.Median(level.Select(m => m.CpuIdleShare));
            var warning = Math.Abs(ran - level.Key) > LoadTolerance
                ? Invariant($" **That is more than {LoadTolerance * 100:F0} points from the target: read this level with care.**")
                : "";
            if (idle < BusyMachineIdleShare)
            {
                warning += " **Something else used the cores: these figures describe a busy machine more than the balancers.**";
            }

            yield return Invariant(
                $"- **Load check, {Pct(level.Key)}:** {rate:F1} arrivals/s × {service:F1} ms mean app time / {FleetOptions.Upstreams * FleetOptions.Slots} slots = {Pct(ran, 1)} busy (set-ups {Pct(low, 1)}–{Pct(high, 1)}); the CPUs were {Pct(idle)} idle over the level (median over its runs; near 0 means something else competed).{warning}");
        }
    }

    public static string Json(
        FleetOptions options, double excessMs, IReadOnlyList<FleetRow> rows, IReadOnlyList<FleetMeasure> measures, IReadOnlyList<FleetSkipped> skipped,
        IReadOnlyList<string> notes) =>
        JsonSerializer.Serialize(
            new
            {
                Command = options.CommandLine,
                FleetOptions.Upstreams,
                FleetOptions.Slots,
                Service = FleetOptions.ServiceSpec,
                options.Seconds,
                options.Rounds,
                options.WarmUpSeconds,
                SlotExcessMs = excessMs,
                SimulatedRequests = FleetSimulation.Requests,
                Rows = rows,
                Measures = measures,
                Skipped = skipped,
                Notes = notes,
            },
            JsonOptions);

    /// <summary>
    /// Measured against simulated, one line per set-up through its levels, and the diagonal where they agree. Points
    /// above the diagonal queued more for real than the simulator says.
    /// </summary>
    public static string Plot(IReadOnlyList<FleetRow> rows, string title, Func<FleetRow, double> real, Func<FleetRow, double> simulated)
    {
        var chart = new SvgLineChart($"{title}: measured against simulated", "simulated (ms)", "measured (ms)");
        foreach (var setup in rows.GroupBy(r => r.Setup))
        {
            chart.AddSeries(setup.Key, [.. setup.Select(r => (simulated(r), real(r)))]);
        }

        var top = rows.SelectMany(r => new[] { real(r), simulated(r) }).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        chart.AddSeries("measured = simulated", [(0, 0), (top, top)]);
        return chart.Render();
    }

    /// <summary>Writes fleet.md, fleet.json and the two plots; returns their paths.</summary>
    public static IReadOnlyList<string> Write(
        FleetOptions options, string markdown, double excessMs, IReadOnlyList<FleetRow> rows, IReadOnlyList<FleetMeasure> measures, IReadOnlyList<FleetSkipped> skipped,
        IReadOnlyList<string> notes)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var stem = Path.Combine(options.OutputDirectory, "fleet");
        File.WriteAllText(stem + ".md", markdown);
        File.WriteAllText(stem + ".json", Json(options, excessMs, rows, measures, skipped, notes));
        File.WriteAllText(stem + "-mean.svg", Plot(rows, "Mean queueing", r => r.MeanQueueMs, r => r.Simulated.MeanQueueMs));
        File.WriteAllText(stem + "-p99.svg", Plot(rows, "p99 queueing", r => r.P99QueueMs, r => r.Simulated.P99QueueMs));
        return [stem + ".md", stem + ".json", stem + "-mean.svg", stem + "-p99.svg"];
    }

    /// <summary>Milliseconds: one decimal below 100, none above; a dash for no figure.</summary>
    /// <summary>
    /// The note on fleet mode's simulated figures: simulated at the replicas' measured Redis call time, and what the
    /// simulator gives at its default trip, beside it.
    /// </summary>
    public static string DescribeTrip(string label, double tripMs, IReadOnlyList<FleetSimulated> atMeasured, IReadOnlyList<FleetSimulated> atDefault) =>
        Invariant($"- **{label}, simulated trip:** the simulated figures take a Redis round trip of {tripMs:F2} ms, the replicas' own mean acquire and release call over the levels; at {FleetSimulation.DefaultStoreRoundTripMs} ms (a quiet loopback or a data centre) the simulator gives ") +
        string.Join("; ", atDefault.Zip(atMeasured).Select(p => Invariant($"{Pct(p.First.TargetUtilization)}: {Ms(p.First.MeanQueueMs)} / {Ms(p.First.P99QueueMs)} ms (against {Ms(p.Second.MeanQueueMs)} / {Ms(p.Second.P99QueueMs)})"))) + ".";

    public static string Ms(double ms) => double.IsFinite(ms) ? ms.ToString(ms < 100 ? "F1" : "F0", CultureInfo.InvariantCulture) : "–";

    /// <summary>A ratio to two decimals; a dash where either side had no figure or the divisor was 0.</summary>
    public static string Ratio(double? ratio) => ratio is { } r && double.IsFinite(r) ? r.ToString("F2", CultureInfo.InvariantCulture) : "–";

    /// <summary>A share as a percentage, <c>80%</c>; invariant culture's <c>P0</c> would write <c>80 %</c>.</summary>
    public static string Pct(double share, int decimals = 0) =>
        double.IsFinite(share) ? (share * 100).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%" : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
