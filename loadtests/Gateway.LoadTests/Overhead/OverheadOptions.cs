using System.CommandLine;
using System.Globalization;
using Gateway.LoadGen;

namespace Gateway.LoadTests.Overhead;

/// <summary>Options of the <c>overhead</c> scenario.</summary>
internal sealed record OverheadOptions(int Rounds, int ThroughputSeconds, int Connections, int LatencySeconds, double LoadShare)
{
    public static OverheadOptions Parse(string[] args) => CreateCommandLine().Parse(args);

    public static OptionsCommand<OverheadOptions> CreateCommandLine()
    {
        var rounds = new TextOption<int>("--rounds", "interleaved rounds; the tables show the median, 1-20", "5", v => OptionValue.Int("--rounds", v, 1, 20));
        var throughputSeconds = new TextOption<int>("--throughput-seconds", "closed-loop (wrk) run per system per round, 1-60", "5", v => OptionValue.Int("--throughput-seconds", v, 1, 60));
        var connections = new TextOption<int>("--connections", "closed-loop connections, 1-1000", "32", v => OptionValue.Int("--connections", v, 1, 1000));
        var latencySeconds = new TextOption<int>("--latency-seconds", "open-loop run per system per round, 1-120", "8", v => OptionValue.Int("--latency-seconds", v, 1, 120));
        var load = new TextOption<double>("--load", "open-loop rate as a share of the gateway's ceiling, in (0, 1)", "0.5", ParseLoad);
        var command = new Command("overhead", """
            The gateway with every feature on against stock YARP, HAProxy and nginx in front of a trivial upstream:
            throughput ceilings (wrk) and latency at a share of the gateway's ceiling (open loop).
            """)
        {
            rounds.Option, throughputSeconds.Option, connections.Option, latencySeconds.Option, load.Option,
        };
        return new(command, result => new OverheadOptions(
            rounds.Get(result), throughputSeconds.Get(result), connections.Get(result), latencySeconds.Get(result), load.Get(result)));
    }

    private static double ParseLoad(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share is > 0 and < 1
            ? share
            : throw new ArgumentException($"--load must be a share of the maximum throughput in (0, 1), got '{value}'");

    public string CommandLine => string.Create(
        CultureInfo.InvariantCulture,
        $"loadtests/run.sh overhead --rounds {Rounds} --throughput-seconds {ThroughputSeconds} --connections {Connections} --latency-seconds {LatencySeconds} --load {LoadShare}");
}
