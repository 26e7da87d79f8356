using System.CommandLine;
using System.Globalization;
using System.Text;
using ServiceTimes;

namespace Gateway.LoadGen;

/// <summary>The <c>load</c> command's options. <see cref="Parse"/> throws <see cref="ArgumentException"/> naming the bad option.</summary>
internal sealed record LoadOptions
{
    /// <summary>Shown under the options in <c>--help</c>.</summary>
    public const string Description = """
        One open-loop run: every arrival goes to every --url at its scheduled time, and latency is measured from that
        time. Give either --rate or --phases. Durations take ms, s, m or h. Before the run, each URL gets four untimed
        requests, to open connections and warm up the client. Prints a Markdown table and a Reproduce: line.
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

    public static LoadOptions Parse(IReadOnlyList<string> args) => CreateCommandLine().Parse(args);

    /// <summary>The <c>load</c> command's options, each with its description and default for <c>--help</c>.</summary>
    public static OptionsCommand<LoadOptions> CreateCommandLine()
    {
        var urls = new RepeatedOption<Uri>("--url", "a system under test; each --url is its own column, and every arrival goes to all (repeatable, required)", ParseUrl);
        var rate = new TextOption<double>("--rate", "arrivals per second, steady for --duration", null, v => ParseRate("--rate", v, allowZero: false));
        var phases = new TextOption<IReadOnlyList<LoadPhase>>("--phases", "steps and ramps, e.g. 50:10s,50-200:30s,200:10s (RATE[-RATE]:DURATION, comma-separated)", null, ParsePhases);
        var arrival = new TextOption<ArrivalProcess>("--arrival", "poisson or constant", "poisson", ParseArrival);
        var duration = new TextOption<TimeSpan>("--duration", "how long to send; longer --phases are cut there", "60s", v => ParseDuration("--duration", v));
        var drain = new TextOption<TimeSpan>("--drain", "how long after sending ends to wait for responses before cutting them", "10s", v => ParseDuration("--drain", v));
        var requests = new TextOption<int>("--requests", "at most this many arrivals", "100000", v => ParseInt("--requests", v, 1));
        var headers = new RepeatedOption<KeyValuePair<string, string>>("--header", "a request header, e.g. 'Authorization: Bearer abc' (repeatable)", ParseHeader);
        var service = new TextOption<IServiceTimeDistribution>(
            "--service-ms",
            "adds ?ms=<sample> from a service-time spec, e.g. exp:mean=20ms, so DemoUpstream simulates that service time; the same sample goes to every --url",
            null,
            v => ServiceTimeSpec.TryParse(v, out var parsed, out var error) ? parsed : throw new ArgumentException($"--service-ms: {error}"));
        var capture = new RepeatedOption<string>("--capture", "a response header to summarise when numeric, e.g. X-Demo-Queue-Ms (repeatable)", ParseCapture);
        var timeout = new TextOption<TimeSpan>("--timeout", "per-request timeout", "60s", v => ParseDuration("--timeout", v));
        var seed = new TextOption<int>("--seed", "seeds the arrivals and the service times", "1", v => ParseInt("--seed", v, int.MinValue));
        var json = new TextOption<string>("--json", "also write the results as JSON (with every request's record) to this file", null, v => v);
        var markdown = new TextOption<string>("--markdown", "also write the Markdown table to this file", null, v => v);

        var command = new Command("load", Description)
        {
            urls.Option, rate.Option, phases.Option, arrival.Option, duration.Option, drain.Option, requests.Option, headers.Option,
            service.Option, capture.Option, timeout.Option, seed.Option, json.Option, markdown.Option,
        };
        return new(command, result =>
        {
            var options = new LoadOptions
            {
                Urls = urls.Get(result),
                Rate = rate.IsGiven(result) ? rate.Get(result) : null,
                Phases = phases.IsGiven(result) ? phases.Get(result) : null,
                Arrivals = arrival.Get(result),
                Duration = duration.Get(result),
                Drain = drain.Get(result),
                Requests = requests.Get(result),
                Headers = headers.Get(result),
                ServiceSpec = service.IsGiven(result) ? result.GetValue(service.Option) : null,
                Service = service.IsGiven(result) ? service.Get(result) : null,
                Capture = capture.Get(result),
                Timeout = timeout.Get(result),
                Seed = seed.Get(result),
                JsonPath = json.IsGiven(result) ? json.Get(result) : null,
                MarkdownPath = markdown.IsGiven(result) ? markdown.Get(result) : null,
            };
            if (options.Urls.Count == 0)
            {
                throw new ArgumentException("--url is required; see loadtests/run.sh load --help");
            }

            if ((options.Rate is null) == (options.Phases is null))
            {
                throw new ArgumentException("give either --rate or --phases");
            }

            options.ToPlan().Validate();
            return options;
        });
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

    private static ArrivalProcess ParseArrival(string value) => value.ToLowerInvariant() switch
    {
        "poisson" => ArrivalProcess.Poisson,
        "constant" => ArrivalProcess.Constant,
        _ => throw new ArgumentException($"--arrival must be poisson or constant, got '{value}'"),
    };

    private static string ParseCapture(string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("--capture needs a header name") : value.Trim();

    private static Uri ParseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new ArgumentException($"--url must be an absolute http(s) URL, got '{value}'");

    private static double ParseRate(string name, string value, bool allowZero) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && double.IsFinite(rate) && (rate > 0 || (allowZero && rate == 0)) && rate <= 1_000_000
            ? rate
            : throw new ArgumentException($"{name} must be a number of arrivals per second{(allowZero ? " from 0" : " above 0")} to 1000000, got '{value}'");

    private static IReadOnlyList<LoadPhase> ParsePhases(string value)
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
