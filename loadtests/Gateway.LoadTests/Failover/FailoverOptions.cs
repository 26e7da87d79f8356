using System.CommandLine;
using System.Globalization;
using Gateway.LoadGen;
using ServiceTimes;

namespace Gateway.LoadTests.Failover;

/// <summary>Options of the <c>failover</c> scenario.</summary>
/// <param name="Rate">Poisson arrivals per second through the proxy. Default 300.</param>
/// <param name="Duration">Each run's length. Default 20 s; at least <see cref="RecoverAt"/> + 2 s.</param>
/// <param name="ResponseTimeout">How long a proxy waits for a silent upstream before answering 504. Default 5 s.</param>
/// <param name="Events">The events, each run against every proxy. Default kill, stop.</param>
/// <param name="Proxies">The proxies. Default ours, haproxy, yarp.</param>
/// <param name="ServiceSpec">Service times, drawn by the client and sent as <c>?ms=</c>. Default exp:mean=20ms.</param>
/// <param name="Seed">Seeds the arrivals and the service times, the same for every proxy. Default 1.</param>
/// <param name="OutputDirectory">Where failover.md and failover.json go. Default loadtests/results.</param>
internal sealed record FailoverOptions(
    double Rate,
    TimeSpan Duration,
    TimeSpan ResponseTimeout,
    IReadOnlyList<FailoverEvent> Events,
    IReadOnlyList<FailoverProxy> Proxies,
    string ServiceSpec,
    int Seed,
    string OutputDirectory)
{
    /// <summary>Upstreams behind every proxy.</summary>
    public const int Upstreams = 3;

    /// <summary>Worker slots of each upstream.</summary>
    public const int Slots = 12;

    /// <summary>When the event happens, from the start of the run.</summary>
    public static readonly TimeSpan EventAt = TimeSpan.FromSeconds(6);

    /// <summary>When a killed upstream is started again, or a stopped one continued (a restart starts it again at once).</summary>
    public static readonly TimeSpan RecoverAt = TimeSpan.FromSeconds(12);

    public static FailoverOptions Default { get; } = new(
        Rate: 300,
        Duration: TimeSpan.FromSeconds(20),
        ResponseTimeout: TimeSpan.FromSeconds(5),
        Events: [FailoverEvent.Kill, FailoverEvent.Stop],
        Proxies: [FailoverProxy.Ours, FailoverProxy.HAProxy, FailoverProxy.Yarp],
        ServiceSpec: "exp:mean=20ms",
        Seed: 1,
        OutputDirectory: "loadtests/results");

    public static FailoverOptions Parse(string[] args) => CreateCommandLine().Parse(args);

    public static OptionsCommand<FailoverOptions> CreateCommandLine()
    {
        var rate = new TextOption<double>("--rate", "Poisson arrivals per second through the proxy, 1-3000", "300", v => OptionValue.Double("--rate", v, 1, 3000));
        var duration = new TextOption<TimeSpan>(
            "--duration", "each run's length: seconds (20) or with a unit (20s, 1500ms), 14s-600s", "20s",
            v => Seconds("--duration", v, RecoverAt + TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(600)));
        var responseTimeout = new TextOption<TimeSpan>(
            "--response-timeout", "how long a proxy waits for a silent upstream before answering 504, 100ms-60s", "5s",
            v => Seconds("--response-timeout", v, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60)));
        var events = new TextOption<IReadOnlyList<FailoverEvent>>("--events", $"comma list of {Names(Enum.GetValues<FailoverEvent>())}", "kill,stop", v => List<FailoverEvent>("--events", v));
        var proxies = new TextOption<IReadOnlyList<FailoverProxy>>("--proxies", $"comma list of {Names(Enum.GetValues<FailoverProxy>())}", "ours,haproxy,yarp", v => List<FailoverProxy>("--proxies", v));
        var service = new TextOption<string>(
            "--service", "service times, drawn by the client and sent as ?ms=", "exp:mean=20ms",
            v => ServiceTimeSpec.TryParse(v, out _, out var error) ? v : throw new ArgumentException($"--service {error}"));
        var seed = new TextOption<int>("--seed", "seeds the arrivals and the service times, the same for every proxy", "1", v => OptionValue.Int("--seed", v, 0, int.MaxValue));
        var output = new TextOption<string>("--out", "where failover.md and failover.json go", "loadtests/results", v => v);
        var command = new Command("failover", """
            The same upstream failures against the gateway, HAProxy and stock YARP, each in front of three DemoUpstreams
            under open-loop load: at 6 s one is killed (started again at 12 s), stopped with SIGSTOP (continued at 12 s)
            or, with --events restart, cleanly restarted. Errors, p99 and max, time until traffic left it and came back,
            and ours' in-flight count afterwards.
            """)
        {
            rate.Option, duration.Option, responseTimeout.Option, events.Option, proxies.Option, service.Option, seed.Option, output.Option,
        };
        return new(command, result => new FailoverOptions(
            rate.Get(result), duration.Get(result), responseTimeout.Get(result), events.Get(result), proxies.Get(result), service.Get(result),
            seed.Get(result), output.Get(result)));
    }

    public string CommandLine => string.Create(
        CultureInfo.InvariantCulture,
        $"loadtests/run.sh failover --rate {Rate} --duration {Format(Duration)} --response-timeout {Format(ResponseTimeout)} --events {Names(Events)} --proxies {Names(Proxies)} --service {ServiceSpec} --seed {Seed}");

    /// <summary>A duration as the options take it: whole seconds as <c>5s</c>, otherwise <c>1500ms</c>.</summary>
    public static string Format(TimeSpan span) => span.Ticks % TimeSpan.TicksPerSecond == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0}s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0.###}ms");

    /// <summary>The option's spelling of an event or proxy: <c>kill</c>, <c>haproxy</c>.</summary>
    public static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Names<T>(IEnumerable<T> values)
        where T : struct, Enum => string.Join(',', values.Select(Name));

    /// <summary>A duration in seconds (<c>20</c>) or with a unit (<c>20s</c>, <c>1500ms</c>), within bounds.</summary>
    private static TimeSpan Seconds(string option, string value, TimeSpan min, TimeSpan max)
    {
        TimeSpan? span = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? seconds >= min.TotalSeconds && seconds <= max.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null
            : ServiceTimeSpec.TryParseDuration(value, out var parsed) ? parsed : null;
        return span is { } s && s >= min && s <= max
            ? s
            : throw new ArgumentException($"{option} must be {Format(min)} to {Format(max)} (e.g. 20, 20s or 1500ms), got '{value}'");
    }

    /// <summary>A comma-separated list of enum names, case-insensitive, each at most once, in the order given.</summary>
    private static List<T> List<T>(string option, string value)
        where T : struct, Enum
    {
        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var list = new List<T>();
        foreach (var name in names)
        {
            // Enum.TryParse also takes numbers ("1"); only the names are options.
            var match = Enum.GetValues<T>().Where(v => string.Equals(Name(v), name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (match.Count == 0)
            {
                throw new ArgumentException($"{option}: '{name}' is not one of {Names(Enum.GetValues<T>())}");
            }

            if (!list.Contains(match[0]))
            {
                list.Add(match[0]);
            }
        }

        return list.Count > 0 ? list : throw new ArgumentException($"{option} needs at least one of {Names(Enum.GetValues<T>())}");
    }
}
