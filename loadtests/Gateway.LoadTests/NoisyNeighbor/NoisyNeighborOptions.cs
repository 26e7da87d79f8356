using System.CommandLine;
using System.Globalization;
using Gateway.LoadGen;

namespace Gateway.LoadTests.NoisyNeighbor;

/// <summary>Options of the <c>noisy-neighbor</c> scenario; <c>--help</c> documents each and its default.</summary>
/// <param name="RatePerSecond">Every tenant's admitted rate (<c>Gateway:Admission:Tenants:X:RatePerSecond</c>).</param>
/// <param name="Burst">Every tenant's bucket size (<c>Burst</c>).</param>
/// <param name="Share">The share of its rate that A, B and C send, in both phases.</param>
/// <param name="Factor">The multiple of its rate that D sends in the noisy phase.</param>
/// <param name="Seconds">Length of each phase.</param>
/// <param name="Rounds">Rounds of one phase of each kind, in counterbalanced order (see <see cref="Order"/>).</param>
/// <param name="WarmUpSeconds">All four tenants at <see cref="Share"/> before the baseline; not measured.</param>
/// <param name="Workers">DemoUpstream's job workers (<c>DemoUpstream:Jobs:Concurrency</c>).</param>
/// <param name="WorkMs">Each job's <c>work_ms</c>.</param>
/// <param name="SloMs">The oldest job of A, B or C must have started within this long of becoming visible.</param>
/// <param name="MaxP99Ratio">The largest enqueue p99 with D over without D that passes, for each of A, B and C.</param>
/// <param name="PatientClients">After the burst, D clients that wait their Retry-After and try again (0: none).</param>
/// <param name="Seed">Seeds the arrivals (each tenant its own stream).</param>
/// <param name="OutputDirectory">Where the Markdown and JSON results go.</param>
internal sealed record NoisyNeighborOptions(
    double RatePerSecond,
    int Burst,
    double Share,
    double Factor,
    int Seconds,
    int Rounds,
    int WarmUpSeconds,
    int Workers,
    int WorkMs,
    int SloMs,
    double MaxP99Ratio,
    int PatientClients,
    int Seed,
    string OutputDirectory)
{
    /// <summary>Above this the upstream is too busy for the quiet tenants' queueing to stay flat, whatever admission does.</summary>
    public const double MaxUtilization = 0.8;

    public static NoisyNeighborOptions Defaults { get; } = new(
        RatePerSecond: 20, Burst: 20, Share: 0.5, Factor: 10, Seconds: 30, Rounds: 2, WarmUpSeconds: 10, Workers: 4, WorkMs: 50, SloMs: 5000,
        MaxP99Ratio: 1.2, PatientClients: 5, Seed: 1, OutputDirectory: "loadtests/results");

    public const string Description = """
        One DemoUpstream (jobs API) behind one gateway whose /jobs route is an enqueue route, HS256 tokens for tenants
        A, B, C and D, each admitted at --rate with --burst. After a warm-up, A, B and C send POST /jobs at --share of
        their rate (Poisson) throughout; phases of --seconds alternate between D silent (baseline) and D sending at
        --factor times its rate (noisy), --rounds times each, in the order noisy, baseline, baseline, noisy, ... so that
        drift and warm-up weigh on both alike. Reports per tenant and phase: sent, 202, 429, other, enqueue p50/p99, the
        p99 ratio, D's Retry-After values, and how long A's, B's and C's jobs waited to start against --slo-ms. Exits 1
        if an acceptance item fails. Workers x 1000 / work-ms must leave 20% headroom over A + B + C at --share plus D
        at its admitted --rate.
        """;

    public static NoisyNeighborOptions Parse(string[] args) => CreateCommandLine().Parse(args);

    public static OptionsCommand<NoisyNeighborOptions> CreateCommandLine()
    {
        var d = Defaults;
        TextOption<int> Int(string name, string description, int value, int min, int max) =>
            new(name, $"{description}, {min}-{max}", value.ToString(CultureInfo.InvariantCulture), v => OptionValue.Int(name, v, min, max));
        TextOption<double> Double(string name, string description, double value, double min, double max) =>
            new(name, string.Create(CultureInfo.InvariantCulture, $"{description}, {min}-{max}"), value.ToString(CultureInfo.InvariantCulture), v => OptionValue.Double(name, v, min, max));

        var rate = Double("--rate", "every tenant's admitted rate per second", d.RatePerSecond, 0.1, 1000);
        var burst = Int("--burst", "every tenant's bucket size", d.Burst, 1, 100_000);
        var share = new TextOption<double>("--share", "share of its rate A, B and C send, in (0, 1]", "0.5", ParseShare);
        var factor = new TextOption<double>("--factor", "multiple of its rate D sends in the noisy phase, > 1 (up to 1000)", "10", ParseFactor);
        var seconds = Int("--seconds", "length of each phase", d.Seconds, 5, 600);
        var rounds = Int("--rounds", "phases of each kind", d.Rounds, 1, 10);
        var warmUp = Int("--warmup-seconds", "all four tenants at --share first, not measured", d.WarmUpSeconds, 0, 120);
        var workers = Int("--workers", "DemoUpstream job workers", d.Workers, 1, 256);
        var workMs = Int("--work-ms", "each job's work_ms", d.WorkMs, 1, 60_000);
        var sloMs = Int("--slo-ms", "SLO for the oldest job of A, B and C (start - visible)", d.SloMs, 1, 3_600_000);
        var maxRatio = Double("--max-p99-ratio", "passing enqueue p99 with D / without D", d.MaxP99Ratio, 1, 100);
        var patient = Int("--patient", "D clients that wait Retry-After after the burst", d.PatientClients, 0, 50);
        var seed = Int("--seed", "arrival seed", d.Seed, 0, int.MaxValue);
        var output = new TextOption<string>("--out", "results directory", d.OutputDirectory, v => v);
        var command = new Command("noisy-neighbor", Description)
        {
            rate.Option, burst.Option, share.Option, factor.Option, seconds.Option, rounds.Option, warmUp.Option, workers.Option, workMs.Option,
            sloMs.Option, maxRatio.Option, patient.Option, seed.Option, output.Option,
        };
        return new(command, result => Validate(new NoisyNeighborOptions(
            rate.Get(result), burst.Get(result), share.Get(result), factor.Get(result), seconds.Get(result), rounds.Get(result), warmUp.Get(result),
            workers.Get(result), workMs.Get(result), sloMs.Get(result), maxRatio.Get(result), patient.Get(result), seed.Get(result), output.Get(result))));
    }

    private static NoisyNeighborOptions Validate(NoisyNeighborOptions options)
    {
        if (options.NoisyRatePerSecond > 2000)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--rate {options.RatePerSecond} × --factor {options.Factor} = {options.NoisyRatePerSecond:0.#} requests/s for D is more than this scenario should put on a shared machine (2000)"));
        }

        if (options.AdmittedJobsPerSecond > MaxUtilization * options.CapacityJobsPerSecond)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--workers {options.Workers} × 1000 / --work-ms {options.WorkMs} = {options.CapacityJobsPerSecond:0.#} jobs/s cannot take A, B and C at --share {options.Share} plus D at --rate {options.RatePerSecond} ({options.AdmittedJobsPerSecond:0.#} jobs/s) with {(1 - MaxUtilization) * 100:0}% headroom; raise --workers or lower --work-ms or --rate"));
        }

        return options;
    }

    /// <summary>
    /// The phases after the warm-up: round i is noisy then baseline when i is even, baseline then noisy when odd
    /// (N B B N …), so a trend over the run, and warm-up the run did not quite finish, count against both kinds alike
    /// (and with one round, against the noisy phase).
    /// </summary>
    public IReadOnlyList<NoisyNeighborPhase> Order => [.. Enumerable.Range(0, Rounds).SelectMany(i => i % 2 == 0
        ? new[] { NoisyNeighborPhase.Noisy, NoisyNeighborPhase.Baseline }
        : [NoisyNeighborPhase.Baseline, NoisyNeighborPhase.Noisy])];

    /// <summary>The phase at <paramref name="offsetSeconds"/> from the start of the run; past the end, the last one.</summary>
    public NoisyNeighborPhase PhaseAt(double offsetSeconds) => SegmentAt(offsetSeconds) is { } segment ? Order[segment] : NoisyNeighborPhase.WarmUp;

    /// <summary>The index in <see cref="Order"/> of the phase at <paramref name="offsetSeconds"/>; null in the warm-up.</summary>
    public int? SegmentAt(double offsetSeconds) =>
        offsetSeconds < WarmUpSeconds ? null : Math.Min((2 * Rounds) - 1, (int)((offsetSeconds - WarmUpSeconds) / Seconds));

    /// <summary>What each of A, B and C sends, in both phases.</summary>
    public double QuietRatePerSecond => Share * RatePerSecond;

    /// <summary>What D sends in the noisy phase.</summary>
    public double NoisyRatePerSecond => Factor * RatePerSecond;

    /// <summary>Jobs per second the workers can run.</summary>
    public double CapacityJobsPerSecond => Workers * 1000.0 / WorkMs;

    /// <summary>
    /// Jobs per second reaching the upstream in the noisy phase once D's bucket is empty: A, B and C at their share,
    /// D at its admitted rate.
    /// </summary>
    public double AdmittedJobsPerSecond => (3 * QuietRatePerSecond) + RatePerSecond;

    public string CommandLine => string.Create(
        CultureInfo.InvariantCulture,
        $"loadtests/run.sh noisy-neighbor --rate {RatePerSecond} --burst {Burst} --share {Share} --factor {Factor} --seconds {Seconds} --rounds {Rounds} --warmup-seconds {WarmUpSeconds} --workers {Workers} --work-ms {WorkMs} --slo-ms {SloMs} --max-p99-ratio {MaxP99Ratio} --patient {PatientClients} --seed {Seed}");

    private static double ParseShare(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share is > 0 and <= 1
            ? share
            : throw new ArgumentException($"--share must be a share of the tenant's rate in (0, 1], got '{value}'");

    private static double ParseFactor(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) && factor is > 1 and <= 1000
            ? factor
            : throw new ArgumentException($"--factor must be a multiple of D's rate above 1 (up to 1000), got '{value}'");
}
