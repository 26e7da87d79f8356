using System.CommandLine;
using System.Globalization;
using Gateway.LoadGen;

namespace Gateway.LoadTests.Fleet;

/// <summary>Options of the <c>fleet</c> scenario. The fleet itself (8 upstreams × 2 slots, the service time) is fixed.</summary>
internal sealed record FleetOptions(
    IReadOnlyList<double> Utilizations,
    int Seconds,
    int Rounds,
    IReadOnlyList<string> Systems,
    int Seed,
    string OutputDirectory,
    bool Quick,
    bool Together = false)
{
    public const int Upstreams = 8;
    public const int Slots = 2;
    public const string ServiceSpec = "lognormal:mean=200ms,sigma=1";
    public const string DefaultOutputDirectory = "loadtests/results";

    /// <summary>80% and 90%, 120 s each, one round, every set-up, one at a time.</summary>
    public static FleetOptions Default { get; } = new([0.8, 0.9], 120, 1, FleetSetups.Default, 1, DefaultOutputDirectory, Quick: false);

    /// <summary>
    /// <c>--quick</c>: 80% alone for 25 s per set-up after a shorter warm-up, for the four set-ups issue 14's acceptance
    /// compares (ours × 3 without and with fleet mode, HAProxy × 1 and × 3): under three minutes in all.
    /// </summary>
    public static FleetOptions QuickDefault { get; } = Default with
    {
        Utilizations = [0.8],
        Seconds = 25,
        Systems = [FleetSetups.Ours3, FleetSetups.HAProxy1, FleetSetups.HAProxy3, FleetSetups.OursFleet3],
        Quick = true,
    };

    public int TotalSlots => Upstreams * Slots;

    /// <summary>Warm-up before the first level: connections, JIT, and the slot-time calibration.</summary>
    public int WarmUpSeconds => Quick ? 10 : 45;

    public static FleetOptions Parse(string[] args) => CreateCommandLine().Parse(args);

    /// <summary>The options; <c>--quick</c> sets the defaults the other options then change, wherever it stands.</summary>
    public static OptionsCommand<FleetOptions> CreateCommandLine()
    {
        var utilization = new TextOption<IReadOnlyList<double>>(
            "--utilization", "comma list of levels, shares of the 16 slots from 0.05 to 0.98 [default: 0.8,0.9; with --quick 0.8]", null,
            v => [.. v.Split(',').Select(ParseUtilization)]);
        var seconds = new TextOption<int>("--seconds", "length of each level, 10-1800 [default: 120; with --quick 25]", null, v => OptionValue.Int("--seconds", v, 10, 1800));
        var rounds = new TextOption<int>("--rounds", "rounds of every level, 1-20", "1", v => OptionValue.Int("--rounds", v, 1, 20));
        var systems = new TextOption<IReadOnlyList<string>>(
            "--systems", $"comma list of {string.Join(", ", FleetSetups.Ids)} [default: all; with --quick {string.Join(',', QuickDefault.Systems)}]", null,
            v => [.. v.Split(',', StringSplitOptions.TrimEntries).Select(ParseSystem).Distinct()]);
        var seed = new TextOption<int>("--seed", "seeds the arrivals and the service times", "1", v => OptionValue.Int("--seed", v, 0, 1_000_000));
        var output = new TextOption<string>(
            "--out", "where fleet.md, .json and the plots go", DefaultOutputDirectory,
            v => v.Length > 0 ? v : throw new ArgumentException("--out needs a directory"));
        var quick = new Option<bool>("--quick")
        {
            Description = "80% alone for 25 s per set-up after a shorter warm-up, ours x 3 without and with fleet mode and HAProxy x 1 and x 3: under three minutes",
        };
        var together = new Option<bool>("--together")
        {
            Description = "every set-up at once on the same arrivals instead of one after another: a seventh of the time, but on 2 cores the others' load slows fleet mode's Redis trips several times over",
        };
        var command = new Command("fleet", """
            Issue 14: can several gateway replicas queue as little as one pooled balancer? 8 DemoUpstreams x 2 slots per
            set-up, lognormal service times: ours x 1 and x 3, ours x 3 in fleet mode (through a redis-server it starts),
            HAProxy x 1 (the pooled anchor) and x 3, stock YARP LeastRequests and PowerOfTwoChoices x 3, one set-up at a
            time on the same arrivals (the others idle), each beside the simulator's figure.
            """)
        {
            utilization.Option, seconds.Option, rounds.Option, systems.Option, seed.Option, output.Option, quick, together,
        };
        return new(command, result =>
        {
            var defaults = result.GetValue(quick) ? QuickDefault : Default;
            return defaults with
            {
                Utilizations = utilization.GetOr(result, defaults.Utilizations),
                Seconds = seconds.GetOr(result, defaults.Seconds),
                Rounds = rounds.Get(result),
                Systems = systems.GetOr(result, defaults.Systems),
                Seed = seed.Get(result),
                OutputDirectory = output.Get(result),
                Together = result.GetValue(together),
            };
        });
    }

    public string CommandLine => string.Create(
        CultureInfo.InvariantCulture,
        $"loadtests/run.sh fleet{(Quick ? " --quick" : "")} --utilization {string.Join(',', Utilizations)} --seconds {Seconds} --rounds {Rounds} --systems {string.Join(',', Systems)} --seed {Seed}{(Together ? " --together" : "")}{(OutputDirectory == DefaultOutputDirectory ? "" : $" --out {OutputDirectory}")}");

    private static double ParseUtilization(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var u) && u is >= 0.05 and <= 0.98
            ? u
            : throw new ArgumentException($"--utilization wants shares of the 16 slots from 0.05 to 0.98, got '{text}'");

    private static string ParseSystem(string text) =>
        FleetSetups.Ids.FirstOrDefault(s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--systems: '{text}' is not one of {string.Join(", ", FleetSetups.Ids)}");
}
