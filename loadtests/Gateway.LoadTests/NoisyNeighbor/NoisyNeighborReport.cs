using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.LoadGen;

namespace Gateway.LoadTests.NoisyNeighbor;

/// <summary>The figures of one noisy-neighbor run, the acceptance verdicts, and their Markdown and JSON forms.</summary>
internal sealed class NoisyNeighborReport
{
    private const string Pooled = "A+B+C";
    private static readonly NoisyNeighborPhase[] Measured = [NoisyNeighborPhase.Baseline, NoisyNeighborPhase.Noisy];

    private NoisyNeighborReport(NoisyNeighborOptions options) => Options = options;

    public NoisyNeighborOptions Options { get; }

    public List<TenantPhaseRow> Rows { get; } = [];

    /// <summary>D's 429s (every phase) by Retry-After value as sent; "(none)" for a missing header.</summary>
    public SortedDictionary<string, int> RetryAfterValues { get; } = new(StringComparer.Ordinal);

    public int RetryAfterValid { get; private set; }

    public int NoisyAdmitted { get; private set; }

    public IReadOnlyList<PatientOutcome> Patient { get; private set; } = [];

    /// <summary>The queue's <c>demo_jobs_oldest_age_seconds</c> peak per phase, in ms (NaN without samples).</summary>
    public Dictionary<NoisyNeighborPhase, double> QueueAgePeakMs { get; } = [];

    /// <summary>
    /// A, B and C's enqueue p99 pooled, for each phase in run order: how far two phases of the same kind differ shows
    /// how much of the ratio is this machine's noise.
    /// </summary>
    public List<double> SegmentP99Ms { get; } = [];

    public List<AcceptanceItem> Acceptance { get; } = [];

    public bool Passed => Acceptance.All(a => a.Passed);

    public static NoisyNeighborReport Build(
        NoisyNeighborOptions options,
        IReadOnlyDictionary<string, IReadOnlyList<RequestRecord>> requests,
        IReadOnlyDictionary<(string Tenant, NoisyNeighborPhase Phase), List<double>> startWaits,
        IReadOnlyList<(double AtSeconds, double AgeSeconds)> queueAges,
        IReadOnlyList<PatientOutcome> patient)
    {
        var report = new NoisyNeighborReport(options) { Patient = patient };
        var groups = requests.ToDictionary(p => p.Key, p => p.Value.ToLookup(r => options.PhaseAt(r.ScheduledMs / 1000)));
        var pooledGroups = NoisyNeighborScenario.QuietTenants.SelectMany(t => requests[t]).ToLookup(r => options.PhaseAt(r.ScheduledMs / 1000));
        foreach (var tenant in NoisyNeighborScenario.Tenants.Append(Pooled))
        {
            var quiet = tenant != NoisyNeighborScenario.NoisyTenant;
            double? baselineP99 = null;
            foreach (var phase in Measured)
            {
                var records = tenant == Pooled ? pooledGroups[phase].ToList() : groups[tenant][phase].ToList();
                var waits = tenant == Pooled
                    ? NoisyNeighborScenario.QuietTenants.SelectMany(t => startWaits.GetValueOrDefault((t, phase)) ?? []).ToList()
                    : startWaits.GetValueOrDefault((tenant, phase)) ?? [];
                var latency = LatencySummary.Of(records.Where(r => r.Error is null).Select(r => r.LatencyMs));
                var wait = LatencySummary.Of(waits);
                var offered = !quiet ? (phase == NoisyNeighborPhase.Noisy ? options.NoisyRatePerSecond : 0)
                    : options.QuietRatePerSecond * (tenant == Pooled ? 3 : 1);
                var row = new TenantPhaseRow(
                    tenant, phase, offered, records.Count,
                    Accepted: records.Count(r => r.Error is null && r.Status == 202),
                    Rejected: records.Count(r => r.Error is null && r.Status == 429),
                    Other: records.Count(r => r.Error is not null || r.Status is not (202 or 429)),
                    latency.P50, latency.P99,
                    P99Ratio: quiet && phase == NoisyNeighborPhase.Noisy && baselineP99 is > 0 ? latency.P99 / baselineP99 : null,
                    Jobs: waits.Count, wait.P50, wait.P99, wait.Max,
                    BacklogAgeMaxMs: records.Where(r => r.Status == 202).Select(r => NoisyNeighborScenario.BacklogAgeMs(r.Captured[NoisyNeighborScenario.BacklogHeader])).OfType<double>().DefaultIfEmpty(double.NaN).Max());
                baselineP99 = latency.P99;
                report.Rows.Add(row);
            }
        }

        foreach (var refused in requests[NoisyNeighborScenario.NoisyTenant].Where(r => r.Error is null && r.Status == 429))
        {
            var value = refused.Captured[NoisyNeighborScenario.RetryAfterHeader] ?? "(none)";
            report.RetryAfterValues[value] = report.RetryAfterValues.GetValueOrDefault(value) + 1;
            report.RetryAfterValid += NoisyNeighborScenario.IsValidRetryAfter(refused.Captured[NoisyNeighborScenario.RetryAfterHeader]) ? 1 : 0;
        }

        var bySegment = NoisyNeighborScenario.QuietTenants.SelectMany(t => requests[t])
            .Where(r => r.Error is null)
            .ToLookup(r => options.SegmentAt(r.ScheduledMs / 1000));
        report.SegmentP99Ms.AddRange(options.Order.Select((_, i) => LatencySummary.Of(bySegment[i].Select(r => r.LatencyMs)).P99));
        report.NoisyAdmitted = report.Row(NoisyNeighborScenario.NoisyTenant, NoisyNeighborPhase.Noisy).Accepted;
        foreach (var phase in Measured)
        {
            report.QueueAgePeakMs[phase] = queueAges.Where(s => options.PhaseAt(s.AtSeconds) == phase)
                .Select(s => s.AgeSeconds * 1000).DefaultIfEmpty(double.NaN).Max();
        }

        report.Judge();
        return report;
    }

    public TenantPhaseRow Row(string tenant, NoisyNeighborPhase phase) => Rows.Single(r => r.Tenant == tenant && r.Phase == phase);

    private void Judge()
    {
        var d = Row(NoisyNeighborScenario.NoisyTenant, NoisyNeighborPhase.Noisy);
        var refused = RetryAfterValues.Values.Sum();
        Acceptance.Add(new AcceptanceItem(
            d.Rejected > 0 && RetryAfterValid == refused,
            Invariant($"D gets 429s with valid Retry-After: {d.Rejected:N0} of its {d.Sent:N0} requests in the noisy phases refused; {RetryAfterValid:N0} of {refused:N0} 429s carry integer seconds ≥ 1 ({Distribution()}).")));
        if (Patient.Count > 0)
        {
            var admitted = Patient.Count(p => p.Admitted);
            Acceptance.Add(new AcceptanceItem(
                admitted == Patient.Count,
                Invariant($"D clients that wait their Retry-After are then admitted: {admitted} of {Patient.Count} (retries: {string.Join(", ", Patient.Select(p => p.RetryStatus?.ToString(CultureInfo.InvariantCulture) ?? "not refused"))}).")));
        }

        var quiet = Rows.Where(r => NoisyNeighborScenario.QuietTenants.Contains(r.Tenant)).ToList();
        Acceptance.Add(new AcceptanceItem(
            quiet.All(r => r.Rejected == 0 && r.Other == 0),
            Invariant($"A, B and C see no rejections: {quiet.Sum(r => r.Rejected)} 429s and {quiet.Sum(r => r.Other)} other outcomes in {quiet.Sum(r => r.Sent):N0} requests over both phases.")));

        var ratios = NoisyNeighborScenario.QuietTenants.Select(t => (Tenant: t, Ratio: Row(t, NoisyNeighborPhase.Noisy).P99Ratio ?? double.NaN)).ToList();
        var pooled = Row(Pooled, NoisyNeighborPhase.Noisy).P99Ratio ?? double.NaN;
        Acceptance.Add(new AcceptanceItem(
            ratios.All(r => r.Ratio <= Options.MaxP99Ratio),
            Invariant($"A, B and C enqueue p99 within {Options.MaxP99Ratio}× of the run without D: {string.Join(", ", ratios.Select(r => Invariant($"{r.Tenant} {r.Ratio:0.00}×")))} (pooled {pooled:0.00}×).")));

        var worst = NoisyNeighborScenario.QuietTenants.Select(t => (Tenant: t, Max: Measured.Max(p => Row(t, p).StartWaitMaxMs))).ToList();
        Acceptance.Add(new AcceptanceItem(
            worst.All(w => w.Max <= Options.SloMs),
            Invariant($"the oldest job from A, B and C stays within its SLO of {Options.SloMs} ms (longest wait from visible to started, both phases): {string.Join(", ", worst.Select(w => Invariant($"{w.Tenant} {w.Max:0} ms")))}.")));
    }

    private string Distribution() =>
        string.Join(", ", RetryAfterValues.Select(v => Invariant($"{(v.Key.All(char.IsAsciiDigit) ? v.Key + " s" : v.Key)} × {v.Value:N0}")));

    public void Write(TextWriter writer)
    {
        var o = Options;
        writer.WriteLine(Invariant(
            $"Tenants A, B, C and D are each admitted at {o.RatePerSecond:0.##}/s (burst {o.Burst}). A, B and C send {o.QuietRatePerSecond:0.##}/s each (Poisson) in both phases; D sends nothing in the baseline and {o.NoisyRatePerSecond:0.##}/s ({o.Factor:0.##}×) in the noisy phase. One DemoUpstream, {o.Workers} job workers × work_ms {o.WorkMs} = {o.CapacityJobsPerSecond:0.#} jobs/s; admitted load in the noisy phase ≈ {o.AdmittedJobsPerSecond:0.#} jobs/s ({o.AdmittedJobsPerSecond * 100 / o.CapacityJobsPerSecond:0}% of capacity). Warm-up {o.WarmUpSeconds} s, then {o.Rounds} phase(s) of each kind, {o.Seconds} s each, in the order {string.Join(", ", o.Order.Select(PhaseName))}; each row sums a tenant's phases of one kind."));
        writer.WriteLine();
        writer.WriteLine("| tenant | phase | offered (req/s) | sent | 202 | 429 | other | enqueue p50 / p99 (ms) | p99 with D / without D |");
        writer.WriteLine("|---|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in Rows)
        {
            writer.WriteLine(Invariant(
                $"| {Name(r.Tenant)} | {PhaseName(r.Phase)} | {r.OfferedPerSecond:0.##} | {r.Sent:N0} | {r.Accepted:N0} | {r.Rejected:N0} | {r.Other:N0} | {Ms(r.P50Ms, "0.00")} / {Ms(r.P99Ms, "0.00")} | {(r.P99Ratio is { } ratio ? Invariant($"**{ratio:0.00}×**") : "")} |"));
        }

        writer.WriteLine();
        writer.WriteLine(Invariant(
            $"A, B and C's enqueue p99 pooled, phase by phase: {string.Join(", ", o.Order.Select((phase, i) => Invariant($"{PhaseName(phase)} {Ms(SegmentP99Ms[i], "0.0")} ms")))}."));
        writer.WriteLine();
        writer.WriteLine(Invariant($"| tenant | phase | jobs | start wait p50 / p99 / max (ms) | tenant's oldest waiting job at each enqueue, max (ms) | within SLO {o.SloMs} ms |"));
        writer.WriteLine("|---|---|--:|--:|--:|---|");
        foreach (var r in Rows)
        {
            writer.WriteLine(Invariant(
                $"| {Name(r.Tenant)} | {PhaseName(r.Phase)} | {r.Jobs:N0} | {Ms(r.StartWaitP50Ms, "0")} / {Ms(r.StartWaitP99Ms, "0")} / {Ms(r.StartWaitMaxMs, "0")} | {Ms(r.BacklogAgeMaxMs, "0")} | {(r.Jobs == 0 ? "" : r.StartWaitMaxMs <= o.SloMs ? "yes" : "**no**")} |"));
        }

        writer.WriteLine();
        writer.WriteLine(Invariant(
            $"Queue `default`, all tenants together (`demo_jobs_oldest_age_seconds`, scraped every second): peak {Ms(QueueAgePeakMs[NoisyNeighborPhase.Baseline], "0")} ms without D, {Ms(QueueAgePeakMs[NoisyNeighborPhase.Noisy], "0")} ms with D. D was admitted {NoisyAdmitted:N0} times in its noisy phases (at most its rate × {o.Rounds * o.Seconds} s + burst per phase = {(o.RatePerSecond * o.Seconds * o.Rounds) + (o.Burst * o.Rounds):N0}); its 429s' Retry-After values: {Distribution()}."));
        writer.WriteLine();
        foreach (var item in Acceptance)
        {
            writer.WriteLine($"- {item}");
        }

        writer.WriteLine();
        writer.WriteLine($"Reproduce: {o.CommandLine}");
    }

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            options = Options,
            rows = Rows.Select(r => new
            {
                r.Tenant,
                phase = PhaseName(r.Phase),
                r.OfferedPerSecond,
                r.Sent,
                r.Accepted,
                r.Rejected,
                r.Other,
                p50_ms = Finite(r.P50Ms),
                p99_ms = Finite(r.P99Ms),
                r.P99Ratio,
                r.Jobs,
                start_wait_p50_ms = Finite(r.StartWaitP50Ms),
                start_wait_p99_ms = Finite(r.StartWaitP99Ms),
                start_wait_max_ms = Finite(r.StartWaitMaxMs),
                backlog_age_max_ms = Finite(r.BacklogAgeMaxMs),
            }),
            retry_after_values = RetryAfterValues,
            retry_after_valid = RetryAfterValid,
            noisy_admitted = NoisyAdmitted,
            segment_p99_ms = SegmentP99Ms.Select(Finite),
            patient = Patient,
            queue_age_peak_ms = QueueAgePeakMs.ToDictionary(p => PhaseName(p.Key), p => Finite(p.Value)),
            acceptance = Acceptance.Select(a => a.ToString()),
            reproduce = Options.CommandLine,
        },
        new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        });

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Name(string tenant) => tenant == Pooled ? "A+B+C (pooled)" : tenant;

    private static string PhaseName(NoisyNeighborPhase phase) => phase == NoisyNeighborPhase.Noisy ? "with D" : "without D";

    private static string Ms(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
