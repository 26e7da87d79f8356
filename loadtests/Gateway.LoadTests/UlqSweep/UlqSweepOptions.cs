using System.CommandLine;
using System.Globalization;
using Gateway.LoadGen;
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
    public static UlqSweepOptions Parse(string[] args) => CreateCommandLine().Parse(args);

    public static OptionsCommand<UlqSweepOptions> CreateCommandLine()
    {
        var utilization = new TextOption<IReadOnlyList<double>>("--utilization", "comma list of levels, each in (0, 1)", "0.4,0.6,0.8,0.9,0.95", v => [.. v.Split(',').Select(ParseUtilization)]);
        var service = new TextOption<string>(
            "--service", "service times, drawn by the client and sent as ?ms=", "exp:mean=200ms",
            v => ServiceTimeSpec.TryParse(v, out _, out var error) ? v : throw new ArgumentException($"--service {error}"));
        var upstreams = new TextOption<int>("--upstreams", "DemoUpstreams per set-up, 1-10", "3", v => OptionValue.Int("--upstreams", v, 1, 10));
        var slots = new TextOption<int>("--slots", "worker slots per upstream, 1-64", "4", v => OptionValue.Int("--slots", v, 1, 64));
        var seconds = new TextOption<int>("--seconds", "length of each level, 5-600", "60", v => OptionValue.Int("--seconds", v, 5, 600));
        var systems = new TextOption<IReadOnlyList<string>>(
            "--systems", $"comma list of {string.Join(", ", SweepSystems.All)}", string.Join(',', SweepSystems.All),
            v => [.. v.Split(',', StringSplitOptions.TrimEntries).Select(ParseSystem)]);
        var seed = new TextOption<int>("--seed", "seeds the arrivals and the service times", "1", v => OptionValue.Int("--seed", v, 0, int.MaxValue));
        var output = new TextOption<string>("--out", "where ulq-sweep.md, .json and the plots go", "loadtests/results", v => v);
        var command = new Command("ulq-sweep", """
            Queueing delay against utilization for every balancing set-up (stock YARP, HAProxy, random-direct, the
            gateway with 1 and 3 replicas), all at once on real processes, paired arrivals.
            """)
        {
            utilization.Option, service.Option, upstreams.Option, slots.Option, seconds.Option, systems.Option, seed.Option, output.Option,
        };
        return new(command, result => new UlqSweepOptions(
            utilization.Get(result), service.Get(result), upstreams.Get(result), slots.Get(result), seconds.Get(result), systems.Get(result),
            seed.Get(result), output.Get(result)));
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
