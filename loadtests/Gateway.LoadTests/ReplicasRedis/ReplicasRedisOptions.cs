using System.Globalization;

namespace Gateway.LoadTests.ReplicasRedis;

/// <summary>Options of the <c>replicas-redis</c> scenario.</summary>
internal sealed record ReplicasRedisOptions(double Rate, int Replicas, int Seconds, bool Compare, bool Outage)
{
    public static ReplicasRedisOptions Parse(string[] args)
    {
        double rate = 100;
        int replicas = 3, seconds = 30;
        bool compare = true, outage = true;
        for (var i = 0; i < args.Length; i++)
        {
            var value = OptionValue.After(args, i);
            switch (args[i])
            {
                case "--rate":
                    rate = OptionValue.Int("--rate", value, 1, 5000);
                    break;
                case "--replicas":
                    replicas = OptionValue.Int("--replicas", value, 1, 10);
                    break;
                case "--seconds":
                    seconds = OptionValue.Int("--seconds", value, 5, 600);
                    break;
                case "--compare":
                    compare = OnOff("--compare", value);
                    break;
                case "--outage":
                    outage = OnOff("--outage", value);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }

            i++;
        }

        return new ReplicasRedisOptions(rate, replicas, seconds, compare, outage);
    }

    /// <summary>The tenant's burst: one second of its rate.</summary>
    public int Burst => (int)Math.Ceiling(Rate);

    public string CommandLine => string.Create(CultureInfo.InvariantCulture,
        $"loadtests/run.sh replicas-redis --rate {Rate} --replicas {Replicas} --seconds {Seconds} --compare {(Compare ? "on" : "off")} --outage {(Outage ? "on" : "off")}");

    private static bool OnOff(string option, string value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new ArgumentException($"{option} must be on or off, got '{value}'"),
    };
}
