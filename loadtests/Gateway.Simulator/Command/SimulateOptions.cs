using System.CommandLine;
using System.Globalization;
using Gateway.LoadGen;
using Gateway.Simulator.Engine;
using Gateway.Simulator.Policies;
using ServiceTimes;

namespace Gateway.Simulator.Command;

/// <summary>Options of the <c>simulate</c> command. A bad value throws <see cref="ArgumentException"/> naming the option.</summary>
internal sealed record SimulateOptions
{
    public const string DefaultService = "exp:mean=100ms";
    public const int MaxUpstreams = 10_000;
    public const int MaxSlots = 10_000;
    public const int MaxReplicas = 1_000;
    public const int MaxLoads = 1_000_000;
    public const int MinRequests = 1_000;
    public const int MaxRequests = 2_000_000_000;
    public const double MaxWarmup = 0.5;

    public const string Description = """
        Discrete-event simulation of N upstreams x c worker slots (each with a local FIFO queue) behind K balancer
        replicas, under open Poisson arrivals; one table row per policy x utilization, then a Reproduce: line.
        The arrival rate is u x N x c / mean service time.
        """;

    public int Upstreams { get; init; } = 1;

    public int Slots { get; init; } = 12;

    public int Replicas { get; init; } = 1;

    public IReadOnlyList<BalancingPolicy> Policies { get; init; } = BalancingPolicies.All;

    public string ServiceSpec { get; init; } = DefaultService;

    public IServiceTimeDistribution Service { get; init; } = ServiceTimeSpec.Parse(DefaultService);

    public IReadOnlyList<double> Utilizations { get; init; } = [0.5, 0.7, 0.9];

    public int Requests { get; init; } = 1_000_000;

    public double Warmup { get; init; } = 0.05;

    public int Seed { get; init; } = 1;

    public TimeSpan RoundTrip { get; init; } = TimeSpan.FromMilliseconds(0.5);

    public string StoreRoundTripSpec { get; init; } = "0.3ms";

    public IServiceTimeDistribution StoreRoundTrip { get; init; } = new ConstantServiceTime(TimeSpan.FromMilliseconds(0.3));

    public int FleetReserve { get; init; } = 2;

    public bool Json { get; init; }

    public static SimulateOptions Parse(IReadOnlyList<string> args) => CreateCommandLine().Parse(args);

    /// <summary>The <c>simulate</c> command's options, each with its description and default for <c>--help</c>.</summary>
    public static OptionsCommand<SimulateOptions> CreateCommandLine()
    {
        var upstreams = new TextOption<int>("--upstreams", "upstreams", "1", v => ParseInt("--upstreams", v, 1, MaxUpstreams));
        var slots = new TextOption<int>("--slots", "worker slots per upstream, also its reported limit", "12", v => ParseInt("--slots", v, 1, MaxSlots));
        var replicas = new TextOption<int>("--replicas", "balancer replicas; each arrival picks one at random", "1", v => ParseInt("--replicas", v, 1, MaxReplicas));
        var policy = new TextOption<IReadOnlyList<BalancingPolicy>>(
            "--policy", $"all, or a comma list of {string.Join(", ", BalancingPolicies.All)}", "all", ParsePolicies);
        var service = new TextOption<IServiceTimeDistribution>(
            "--service",
            "service time: const:20ms, exp:mean=20ms, lognormal:mean=20ms,sigma=1, points:0=10ms,0.5=75ms,...,1=6420ms",
            DefaultService,
            ParseService);
        var utilization = new TextOption<IReadOnlyList<double>>("--utilization", "comma list, each in (0, 1)", "0.5,0.7,0.9", ParseUtilizations);
        var requests = new TextOption<int>("--requests", "requests per row, warm-up included", "1000000", v => ParseInt("--requests", v, MinRequests, MaxRequests));
        var warmup = new TextOption<double>("--warmup", "share of each row's first requests not measured", "0.05", ParseWarmup);
        var seed = new TextOption<int>("--seed", "seed of every random stream", "1", v => ParseInt("--seed", v, int.MinValue, int.MaxValue));
        var rtt = new TextOption<TimeSpan>("--rtt", "balancer <-> upstream round trip, half each way", "0.5ms", v => ParseRoundTrip("--rtt", v));
        var storeRtt = new TextOption<IServiceTimeDistribution>(
            "--store-rtt",
            "replica <-> Redis round trip for the Fleet policy, drawn for every leg, half each way: a duration, or a distribution as for --service",
            "0.3ms",
            ParseStoreRoundTrip);
        var fleetReserve = new TextOption<int>(
            "--fleet-reserve", "slots each Fleet replica may keep for its next arrivals while nobody waits, as Gateway:Fleet:Reserve (0: none)", "2",
            v => ParseInt("--fleet-reserve", v, 0, MaxSlots));
        var json = new Option<bool>("--json") { Description = "print a JSON array of rows instead of the table" };

        var command = new System.CommandLine.Command("simulate", Description)
        {
            upstreams.Option, slots.Option, replicas.Option, policy.Option, service.Option, utilization.Option, requests.Option, warmup.Option,
            seed.Option, rtt.Option, storeRtt.Option, fleetReserve.Option, json,
        };
        return new(command, result =>
        {
            var options = new SimulateOptions
            {
                Upstreams = upstreams.Get(result),
                Slots = slots.Get(result),
                Replicas = replicas.Get(result),
                Policies = policy.Get(result),
                ServiceSpec = result.GetValue(service.Option)!.Trim(),
                Service = service.Get(result),
                Utilizations = utilization.Get(result),
                Requests = requests.Get(result),
                Warmup = warmup.Get(result),
                Seed = seed.Get(result),
                RoundTrip = rtt.Get(result),
                StoreRoundTripSpec = result.GetValue(storeRtt.Option)!.Trim(),
                StoreRoundTrip = storeRtt.Get(result),
                FleetReserve = fleetReserve.Get(result),
                Json = result.GetValue(json),
            };
            if ((long)options.Upstreams * options.Replicas > MaxLoads)
            {
                throw new ArgumentException(
                    $"--replicas × --upstreams must be at most {MaxLoads}, got {options.Replicas} × {options.Upstreams}");
            }

            return options;
        });
    }

    private static IServiceTimeDistribution ParseService(string value)
    {
        if (!ServiceTimeSpec.TryParse(value, out var service, out var error))
        {
            throw new ArgumentException($"--service {error}");
        }

        return service.Mean > TimeSpan.Zero
            ? service
            : throw new ArgumentException($"--service '{value.Trim()}' has a mean of 0; the arrival rate needs a positive mean");
    }

    /// <summary>One scenario per utilization × policy, utilization-major so each utilization's policies sit together.</summary>
    public IEnumerable<SimulationScenario> Scenarios() =>
        from utilization in Utilizations
        from policy in Policies
        select new SimulationScenario
        {
            Upstreams = Upstreams,
            Slots = Slots,
            Replicas = Replicas,
            Policy = policy,
            Service = Service,
            Utilization = utilization,
            Requests = Requests,
            Seed = Seed,
            RoundTrip = RoundTrip,
            StoreRoundTrip = StoreRoundTrip,
            FleetReserve = FleetReserve,
            WarmupFraction = Warmup,
        };

    /// <summary>The options in full, defaults included, as a command that reproduces the output.</summary>
    public string ToCommandLine()
    {
        var policies = Policies.SequenceEqual(BalancingPolicies.All) ? "all" : string.Join(',', Policies);
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"loadtests/run.sh simulate --upstreams {Upstreams} --slots {Slots} --replicas {Replicas} --policy {policies} "
            + $"--service {ShellQuote(ServiceSpec)} --utilization {string.Join(',', Utilizations.Select(u => u.ToString("R", CultureInfo.InvariantCulture)))} "
            + $"--requests {Requests} --warmup {Warmup:R} --seed {Seed} --rtt {RoundTrip.TotalMilliseconds:R}ms --store-rtt {ShellQuote(StoreRoundTripSpec)} --fleet-reserve {FleetReserve}");
        return Json ? text + " --json" : text;
    }

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be an integer from {min} to {max}, got '{value}'");

    private static IReadOnlyList<BalancingPolicy> ParsePolicies(string value)
    {
        if (string.Equals(value.Trim(), "all", StringComparison.OrdinalIgnoreCase))
        {
            return BalancingPolicies.All;
        }

        var policies = new List<BalancingPolicy>();
        foreach (var name in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!BalancingPolicies.TryParse(name, out var policy))
            {
                throw new ArgumentException(
                    $"--policy '{name}' is not a policy; expected all or a comma list of {string.Join(", ", BalancingPolicies.All)}");
            }

            if (!policies.Contains(policy))
            {
                policies.Add(policy);
            }
        }

        return policies;
    }

    private static IReadOnlyList<double> ParseUtilizations(string value)
    {
        var utilizations = new List<double>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var u) || !(u is > 0 and < 1))
            {
                throw new ArgumentException($"--utilization wants a comma list of numbers each in (0, 1), got '{part}'");
            }

            utilizations.Add(u);
        }

        return utilizations;
    }

    private static double ParseWarmup(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var warmup) && warmup is >= 0 and <= MaxWarmup
            ? warmup
            : throw new ArgumentException($"--warmup must be a share from 0 to {MaxWarmup.ToString(CultureInfo.InvariantCulture)}, got '{value}'");

    private static TimeSpan ParseRoundTrip(string name, string value) =>
        ServiceTimeSpec.TryParseDuration(value, out var rtt)
            ? rtt
            : throw new ArgumentException($"{name} must be a duration such as 0.5ms, 200us or 1s (at most 600s), got '{value}'");

    private static IServiceTimeDistribution ParseStoreRoundTrip(string value)
    {
        if (ServiceTimeSpec.TryParseDuration(value, out var constant))
        {
            return new ConstantServiceTime(constant);
        }

        return ServiceTimeSpec.TryParse(value, out var distribution, out var error)
            ? distribution
            : throw new ArgumentException($"--store-rtt must be a duration such as 0.3ms or a distribution such as lognormal:mean=1.8ms,sigma=1.9; {error}");
    }

    private static string ShellQuote(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '=' or ',' or '.' or '_' or '-')
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
