using System.Globalization;
using ServiceTimes;

namespace Gateway.LoadTests.UlqSweep;

/// <summary>Options of the <c>ulq-sweep</c> scenario.</summary>
internal sealed record UlqSweepOptions(
    IReadOnlyList<double> Utilizations,
    string ServiceSpec,
    int Upstreams,
    int Slots,
    int Seconds,
    IReadOnlyList<string> Systems,
    int Seed,
    string OutputDirectory)
{
    public static UlqSweepOptions Parse(string[] args)
    {
        var options = new UlqSweepOptions(
            Utilizations: [0.4, 0.6, 0.8, 0.9, 0.95],
            ServiceSpec: "exp:mean=200ms",
            Upstreams: 3,
            Slots: 4,
            Seconds: 60,
            Systems: SweepSystems.All,
            Seed: 1,
            OutputDirectory: "loadtests/results");
        for (var i = 0; i < args.Length; i++)
        {
            var value = OptionValue.After(args, i);
            options = args[i] switch
            {
                "--utilization" => options with { Utilizations = [.. value.Split(',').Select(ParseUtilization)] },
                "--service" => options with
                {
                    ServiceSpec = ServiceTimeSpec.TryParse(value, out _, out var error) ? value : throw new ArgumentException($"--service {error}"),
                },
                "--upstreams" => options with { Upstreams = OptionValue.Int("--upstreams", value, 1, 10) },
                "--slots" => options with { Slots = OptionValue.Int("--slots", value, 1, 64) },
                "--seconds" => options with { Seconds = OptionValue.Int("--seconds", value, 5, 600) },
                "--systems" => options with { Systems = [.. value.Split(',', StringSplitOptions.TrimEntries).Select(ParseSystem)] },
                "--seed" => options with { Seed = OptionValue.Int("--seed", value, 0, int.MaxValue) },
                "--out" => options with { OutputDirectory = value },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
            i++;
        }

        return options;
    }

    public string CommandLine => string.Create(
        CultureInfo.InvariantCulture,
        $"loadtests/run.sh ulq-sweep --utilization {string.Join(',', Utilizations)} --service '{ServiceSpec}' --upstreams {Upstreams} --slots {Slots} --seconds {Seconds} --systems {string.Join(',', Systems)} --seed {Seed}");

    private static double ParseUtilization(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var u) && u is > 0 and < 1
            ? u
            : throw new ArgumentException($"--utilization wants shares in (0, 1), got '{text}'");

    private static string ParseSystem(string text) =>
        SweepSystems.All.FirstOrDefault(s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--systems: '{text}' is not one of {string.Join(", ", SweepSystems.All)}");
}
