using System.Globalization;

namespace Gateway.LoadTests.Overhead;

/// <summary>Options of the <c>overhead</c> scenario.</summary>
internal sealed record OverheadOptions(int Rounds, int ThroughputSeconds, int Connections, int LatencySeconds, double LoadShare)
{
    public static OverheadOptions Parse(string[] args)
    {
        var options = new OverheadOptions(Rounds: 3, ThroughputSeconds: 5, Connections: 32, LatencySeconds: 8, LoadShare: 0.5);
        for (var i = 0; i < args.Length; i++)
        {
            var value = OptionValue.After(args, i);
            options = args[i] switch
            {
                "--rounds" => options with { Rounds = OptionValue.Int(args[i], value, 1, 20) },
                "--throughput-seconds" => options with { ThroughputSeconds = OptionValue.Int(args[i], value, 1, 60) },
                "--connections" => options with { Connections = OptionValue.Int(args[i], value, 1, 1000) },
                "--latency-seconds" => options with { LatencySeconds = OptionValue.Int(args[i], value, 1, 120) },
                "--load" => options with
                {
                    LoadShare = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share is > 0 and < 1
                        ? share
                        : throw new ArgumentException($"--load must be a share of the maximum throughput in (0, 1), got '{value}'"),
                },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
            i++;
        }

        return options;
    }

    public string CommandLine => string.Create(
        CultureInfo.InvariantCulture,
        $"loadtests/run.sh overhead --rounds {Rounds} --throughput-seconds {ThroughputSeconds} --connections {Connections} --latency-seconds {LatencySeconds} --load {LoadShare}");
}
