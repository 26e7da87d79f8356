using System.Globalization;

namespace Gateway.LoadTests.Fleet;

/// <summary>Options of the <c>fleet</c> scenario. The fleet itself (8 upstreams × 2 slots, the service time) is fixed.</summary>
internal sealed record FleetOptions(
    IReadOnlyList<double> Utilizations,
    int Seconds,
    int Rounds,
    IReadOnlyList<string> Systems,
    int Seed,
    string OutputDirectory,
    bool Quick)
{
    public const int Upstreams = 8;
    public const int Slots = 2;
    public const string ServiceSpec = "lognormal:mean=200ms,sigma=1";
    public const string DefaultOutputDirectory = "loadtests/results";

    /// <summary>80% and 90%, 120 s each, one round, every set-up but fleet mode.</summary>
    public static FleetOptions Default { get; } = new([0.8, 0.9], 120, 1, FleetSetups.Default, 1, DefaultOutputDirectory, Quick: false);

    /// <summary><c>--quick</c>: 80% alone for 40 s after a shorter warm-up, about two minutes in all.</summary>
    public static FleetOptions QuickDefault { get; } = Default with { Utilizations = [0.8], Seconds = 40, Quick = true };

    public int TotalSlots => Upstreams * Slots;

    /// <summary>Warm-up before the first level: connections, JIT, and the slot-time calibration.</summary>
    public int WarmUpSeconds => Quick ? 20 : 45;

    /// <summary>Reads the options; <c>--quick</c> sets the defaults the other options then change, wherever it stands.</summary>
    public static FleetOptions Parse(string[] args)
    {
        var options = args.Contains("--quick") ? QuickDefault : Default;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick")
            {
                continue;
            }

            var value = OptionValue.After(args, i);
            options = args[i] switch
            {
                "--utilization" => options with { Utilizations = [.. value.Split(',').Select(ParseUtilization)] },
                "--seconds" => options with { Seconds = OptionValue.Int("--seconds", value, 10, 1800) },
                "--rounds" => options with { Rounds = OptionValue.Int("--rounds", value, 1, 20) },
                "--systems" => options with { Systems = [.. value.Split(',', StringSplitOptions.TrimEntries).Select(ParseSystem).Distinct()] },
                "--seed" => options with { Seed = OptionValue.Int("--seed", value, 0, 1_000_000) },
                "--out" => options with { OutputDirectory = value.Length > 0 ? value : throw new ArgumentException("--out needs a directory") },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
            i++;
        }

        return options;
    }

    public string CommandLine => string.Create(
        CultureInfo.InvariantCulture,
        $"loadtests/run.sh fleet{(Quick ? " --quick" : "")} --utilization {string.Join(',', Utilizations)} --seconds {Seconds} --rounds {Rounds} --systems {string.Join(',', Systems)} --seed {Seed}{(OutputDirectory == DefaultOutputDirectory ? "" : $" --out {OutputDirectory}")}");

    private static double ParseUtilization(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var u) && u is >= 0.05 and <= 0.98
            ? u
            : throw new ArgumentException($"--utilization wants shares of the 16 slots from 0.05 to 0.98, got '{text}'");

    private static string ParseSystem(string text) =>
        FleetSetups.Ids.FirstOrDefault(s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--systems: '{text}' is not one of {string.Join(", ", FleetSetups.Ids)}");
}
