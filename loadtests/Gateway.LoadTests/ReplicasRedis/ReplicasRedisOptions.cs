using System.CommandLine;
using System.Globalization;
using Gateway.LoadGen;

namespace Gateway.LoadTests.ReplicasRedis;

/// <summary>Options of the <c>replicas-redis</c> scenario.</summary>
internal sealed record ReplicasRedisOptions(double Rate, int Replicas, int Seconds, bool Compare, bool Outage)
{
    public static ReplicasRedisOptions Parse(string[] args) => CreateCommandLine().Parse(args);

    public static OptionsCommand<ReplicasRedisOptions> CreateCommandLine()
    {
        var rate = new TextOption<double>("--rate", "the tenant's admitted rate per second, 1-5000", "100", v => OptionValue.Int("--rate", v, 1, 5000));
        var replicas = new TextOption<int>("--replicas", "gateway replicas sharing the bucket, 1-10", "3", v => OptionValue.Int("--replicas", v, 1, 10));
        var seconds = new TextOption<int>("--seconds", "length of each run, 5-600", "30", v => OptionValue.Int("--seconds", v, 5, 600));
        var compare = new TextOption<bool>("--compare", "on or off: also run local buckets and one Redis call per request", "on", v => OnOff("--compare", v));
        var outage = new TextOption<bool>("--outage", "on or off: kill and restart redis-server under traffic", "on", v => OnOff("--outage", v));
        var command = new Command("replicas-redis", """
            Gateway replicas sharing one tenant's bucket through redis-server: admitted rate against the configured one,
            Redis round trips per request and added latency (local, one call per request, reserved batches), then Redis
            killed and restarted under traffic: 5xx, fail-open takeover time, recovery.
            """)
        {
            rate.Option, replicas.Option, seconds.Option, compare.Option, outage.Option,
        };
        return new(command, result => new ReplicasRedisOptions(rate.Get(result), replicas.Get(result), seconds.Get(result), compare.Get(result), outage.Get(result)));
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
