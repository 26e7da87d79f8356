using System.Globalization;
using System.Text;
using ServiceTimes;

namespace Gateway.LoadGen;

/// <summary>The <c>load</c> command's options. <see cref="Parse"/> throws <see cref="ArgumentException"/> naming the bad option.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        usage: loadtests/run.sh load --url URL [--url URL ...] (--rate R | --phases PHASES) [options]

          --url URL            a system under test; each --url is its own column, and every arrival goes to all
          --rate R             arrivals per second, steady for --duration
          --phases PHASES      steps and ramps, e.g. 50:10s,50-200:30s,200:10s (RATE[-RATE]:DURATION, comma-separated)
          --arrival KIND       poisson (default) or constant
          --duration D         how long to send (default 60s); longer --phases are cut there
          --drain D            how long after sending ends to wait for responses before cutting them (default 10s)
          --requests N         at most N arrivals (default 100000)
          --header 'N: V'      a request header, e.g. 'Authorization: Bearer abc' (repeatable)
          --service-ms SPEC    adds ?ms=<sample> from a service-time spec, e.g. exp:mean=20ms, so DemoUpstream
                               simulates that service time; the same sample goes to every --url
          --capture HEADER     a response header to summarise when numeric, e.g. X-Demo-Queue-Ms (repeatable)
          --timeout D          per-request timeout (default 60s)
          --seed N             seeds the arrivals and the service times (default 1)
          --json FILE          also write the results as JSON (with every request's record)
          --markdown FILE      also write the Markdown table to FILE

        Durations take ms, s, m or h. Latency is measured from each request's scheduled send time (open loop).
        Before the run, each URL gets four untimed requests, to open connections and warm up the client.
        """;

    private const int DefaultRequests = 100_000;

    public IReadOnlyList<Uri> Urls { get; init; } = [];

    public double? Rate { get; init; }

    public IReadOnlyList<LoadPhase>? Phases { get; init; }

    public ArrivalProcess Arrivals { get; init; } = ArrivalProcess.Poisson;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(10);

    public int Requests { get; init; } = DefaultRequests;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string? ServiceSpec { get; init; }

    public IServiceTimeDistribution? Service { get; init; }

    public IReadOnlyList<string> Capture { get; init; } = [];

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public int Seed { get; init; } = 1;

    public string? JsonPath { get; init; }

    public string? MarkdownPath { get; init; }

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        var urls = new List<Uri>();
        var headers = new List<KeyValuePair<string, string>>();
        var capture = new List<string>();
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--url" => Add(urls, ParseUrl(value), options),
                "--rate" => options with { Rate = ParseRate(name, value, allowZero: false) },
                "--phases" => options with { Phases = ParsePhases(value) },
                "--arrival" => options with
                {
                    Arrivals = value.ToLowerInvariant() switch
                    {
                        "poisson" => ArrivalProcess.Poisson,
                        "constant" => ArrivalProcess.Constant,
                        _ => throw new ArgumentException($"--arrival must be poisson or constant, got '{value}'"),
                    },
                },
                "--duration" => options with { Duration = ParseDuration(name, value) },
                "--drain" => options with { Drain = ParseDuration(name, value) },
                "--timeout" => options with { Timeout = ParseDuration(name, value) },
                "--requests" => options with { Requests = ParseInt(name, value, 1) },
                "--seed" => options with { Seed = ParseInt(name, value, int.MinValue) },
                "--header" => Add(headers, ParseHeader(value), options),
                "--service-ms" => options with
                {
                    ServiceSpec = value,
                    Service = ServiceTimeSpec.TryParse(value, out var service, out var error) ? service : throw new ArgumentException($"--service-ms: {error}"),
                },
                "--capture" => Add(capture, string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("--capture needs a header name") : value.Trim(), options),
                "--json" => options with { JsonPath = value },
                "--markdown" => options with { MarkdownPath = value },
                _ => throw new ArgumentException($"unknown option '{name}'; see loadtests/run.sh load --help"),
            };
        }

        if (urls.Count == 0)
        {
            throw new ArgumentException("--url is required; see loadtests/run.sh load --help");
        }

        if ((options.Rate is null) == (options.Phases is null))
        {
            throw new ArgumentException("give either --rate or --phases");
        }

        if (options.Drain == TimeSpan.Zero)
        {
            throw new ArgumentException("--drain must be positive");
        }

        options = options with { Urls = urls, Headers = headers, Capture = capture };
        options.ToPlan().Validate();
        return options;
    }

    /// <summary>The phases cut at <see cref="Duration"/>; the run is bounded by Duration + <see cref="Drain"/>.</summary>
    public LoadPlan ToPlan()
    {
        var random = Gateway.LoadGen.Arrivals.ServiceTimeRandom(Seed);
        var service = Service;
        return new LoadPlan
        {
            Phases = Truncate(Phases ?? [LoadPhase.Steady(Rate ?? 0, Duration)], Duration),
            Arrivals = Arrivals,
            MaxRequests = Requests,
            MaxDuration = Duration + Drain,
            Seed = Seed,
            Headers = Headers,
            PathAndQuery = service is null
                ? null
                : _ => string.Create(CultureInfo.InvariantCulture, $"?ms={service.Sample(random).TotalMilliseconds:0.###}"),
            CaptureHeaders = Capture,
            RequestTimeout = Timeout,
        };
    }

    /// <summary>Each URL is its own target, named after it (with #2, #3 for repeats).</summary>
    public IReadOnlyList<LoadTarget> ToTargets() =>
        [.. Urls.Select((url, i) =>
        {
            var repeat = Urls.Take(i).Count(u => u == url);
            return new LoadTarget(repeat == 0 ? url.ToString() : $"{url} #{repeat + 1}", [url]);
        })];

    /// <summary>The options in full, for the "Reproduce:" line; output files are left out.</summary>
    public string ToCommandLine()
    {
        var line = new StringBuilder();
        void Option(string name, string value) => line.Append(line.Length > 0 ? " " : "").Append(name).Append(' ').Append(Quote(value));
        foreach (var url in Urls)
        {
            Option("--url", url.ToString());
        }

        if (Phases is null)
        {
            Option("--rate", Number(Rate ?? 0));
        }
        else
        {
            Option("--phases", string.Join(',', Phases.Select(p =>
                (p.StartRatePerSecond == p.EndRatePerSecond ? Number(p.StartRatePerSecond) : $"{Number(p.StartRatePerSecond)}-{Number(p.EndRatePerSecond)}")
                + ":" + DurationText.Format(p.Duration))));
        }

        Option("--arrival", Arrivals.ToString().ToLowerInvariant());
        Option("--duration", DurationText.Format(Duration));
        Option("--drain", DurationText.Format(Drain));
        Option("--requests", Requests.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in Headers)
        {
            Option("--header", $"{name}: {value}");
        }

        if (ServiceSpec is not null)
        {
            Option("--service-ms", ServiceSpec);
        }

        foreach (var header in Capture)
        {
            Option("--capture", header);
        }

        Option("--timeout", DurationText.Format(Timeout));
        Option("--seed", Seed.ToString(CultureInfo.InvariantCulture));
        return line.ToString();
    }

    private static List<LoadPhase> Truncate(IReadOnlyList<LoadPhase> phases, TimeSpan limit)
    {
        var kept = new List<LoadPhase>();
        var start = TimeSpan.Zero;
        foreach (var phase in phases)
        {
            if (start >= limit)
            {
                break;
            }

            if (start + phase.Duration <= limit)
            {
                kept.Add(phase);
            }
            else
            {
                var fraction = (limit - start) / phase.Duration;
                var endRate = phase.StartRatePerSecond + ((phase.EndRatePerSecond - phase.StartRatePerSecond) * fraction);
                kept.Add(new LoadPhase(phase.StartRatePerSecond, endRate, limit - start));
            }

            start += phase.Duration;
        }

        return kept;
    }

    private static LoadOptions Add<T>(List<T> list, T item, LoadOptions options)
    {
        list.Add(item);
        return options;
    }

    private static Uri ParseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new ArgumentException($"--url must be an absolute http(s) URL, got '{value}'");

    private static double ParseRate(string name, string value, bool allowZero) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && double.IsFinite(rate) && (rate > 0 || (allowZero && rate == 0)) && rate <= 1_000_000
            ? rate
            : throw new ArgumentException($"{name} must be a number of arrivals per second{(allowZero ? " from 0" : " above 0")} to 1000000, got '{value}'");

    private static List<LoadPhase> ParsePhases(string value)
    {
        var phases = new List<LoadPhase>();
        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = item.LastIndexOf(':');
            var rates = colon > 0 ? item[..colon].Split('-') : [];
            if (rates.Length is not (1 or 2) || !DurationText.TryParse(item[(colon + 1)..], out var duration) || duration <= TimeSpan.Zero)
            {
                throw new ArgumentException($"--phases wants RATE[-RATE]:DURATION items such as 50:10s or 50-200:30s, got '{item}'");
            }

            var start = ParseRate("--phases", rates[0], allowZero: true);
            phases.Add(new LoadPhase(start, rates.Length == 2 ? ParseRate("--phases", rates[1], allowZero: true) : start, duration));
        }

        return phases;
    }

    private static TimeSpan ParseDuration(string name, string value) =>
        DurationText.TryParse(value, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw new ArgumentException($"{name} must be a positive duration such as 500ms, 30s or 2m (at most 7 days), got '{value}'");

    private static int ParseInt(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new ArgumentException($"{name} must be a whole number{(min > int.MinValue ? $" of at least {min}" : "")}, got '{value}'");

    private static KeyValuePair<string, string> ParseHeader(string value)
    {
        var colon = value.IndexOf(':');
        using var probe = new HttpRequestMessage();
        return colon > 0 && value[..colon].Trim() is { Length: > 0 } name && probe.Headers.TryAddWithoutValidation(name, value[(colon + 1)..].Trim())
            ? new(name, value[(colon + 1)..].Trim())
            : throw new ArgumentException($"--header wants 'Name: value' with a request header name, got '{value}'");
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
