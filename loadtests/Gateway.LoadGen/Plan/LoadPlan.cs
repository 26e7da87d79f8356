namespace Gateway.LoadGen;

/// <summary>What an open-loop run sends, and when it stops.</summary>
public sealed record LoadPlan
{
    /// <summary>The arrival rate over time, one phase after another. The run's sending ends with the last phase.</summary>
    public required IReadOnlyList<LoadPhase> Phases { get; init; }

    /// <summary>How arrivals are spaced. Default: <see cref="ArrivalProcess.Poisson"/>.</summary>
    public ArrivalProcess Arrivals { get; init; } = ArrivalProcess.Poisson;

    /// <summary>The most arrivals to send; each goes to every target.</summary>
    public required int MaxRequests { get; init; }

    /// <summary>
    /// A hard bound on the whole run, draining included. Requests still unfinished then are cancelled and
    /// recorded as errors of kind <c>cut</c>; arrivals scheduled after it are not sent.
    /// </summary>
    public required TimeSpan MaxDuration { get; init; }

    /// <summary>Seeds the arrival process, so a run's schedule can be repeated exactly. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Request headers sent with every request, e.g. <c>Authorization</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// Called once per arrival, in order, with the arrival's index (from 0). The same relative path and query
    /// goes to every target, appended to each URL, which is then a base: <c>http://h/rr/</c> + <c>api/1?ms=5</c>
    /// is <c>http://h/rr/api/1?ms=5</c>, and a value starting with <c>?</c> adds to the URL's query.
    /// When null, each URL is requested as it is.
    /// </summary>
    public Func<long, string>? PathAndQuery { get; init; }

    /// <summary>The request method. Default GET.</summary>
    public HttpMethod Method { get; init; } = HttpMethod.Get;

    /// <summary>
    /// The request body, sent with every request (e.g. a job for <c>POST /jobs</c>); null sends none. Its media type
    /// is <see cref="BodyContentType"/>.
    /// </summary>
    public ReadOnlyMemory<byte>? Body { get; init; }

    /// <summary>The <c>Content-Type</c> of <see cref="Body"/>. Default <c>application/json</c>.</summary>
    public string BodyContentType { get; init; } = "application/json";

    /// <summary>Response headers to keep per request, e.g. <c>X-Demo-Queue-Ms</c>; see <see cref="RequestRecord.Captured"/>.</summary>
    public IReadOnlyList<string> CaptureHeaders { get; init; } = [];

    /// <summary>A request taking longer than this is cancelled and recorded as an error of kind <c>timeout</c>. Default 60 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    // Timers take at most ~49 days; a load test bound beyond a week is a mistake.
    private static readonly TimeSpan LongestTime = TimeSpan.FromDays(7);

    internal void Validate()
    {
        if (Phases is null || Phases.Count == 0)
        {
            throw new ArgumentException("the plan needs at least one phase", nameof(Phases));
        }

        for (var i = 0; i < Phases.Count; i++)
        {
            var phase = Phases[i];
            if (!IsRate(phase.StartRatePerSecond) || !IsRate(phase.EndRatePerSecond) || phase.Duration <= TimeSpan.Zero)
            {
                throw new ArgumentException($"phase {i} ({phase}) needs finite rates >= 0 and a positive duration", nameof(Phases));
            }
        }

        if (MaxRequests <= 0)
        {
            throw new ArgumentException($"must be positive, got {MaxRequests}", nameof(MaxRequests));
        }

        if (MaxDuration <= TimeSpan.Zero || MaxDuration > LongestTime)
        {
            throw new ArgumentException($"must be positive and at most {LongestTime.TotalDays} days, got {MaxDuration}", nameof(MaxDuration));
        }

        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > LongestTime)
        {
            throw new ArgumentException($"must be positive and at most {LongestTime.TotalDays} days, got {RequestTimeout}", nameof(RequestTimeout));
        }

        if (Method is null)
        {
            throw new ArgumentException("a method is needed", nameof(Method));
        }

        if (Body is not null && !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(BodyContentType, out _))
        {
            throw new ArgumentException($"'{BodyContentType}' is not a media type", nameof(BodyContentType));
        }

        using var probe = new HttpRequestMessage();
        foreach (var (name, value) in Headers)
        {
            if (string.IsNullOrWhiteSpace(name) || !probe.Headers.TryAddWithoutValidation(name, value))
            {
                throw new ArgumentException($"'{name}' cannot be sent as a request header", nameof(Headers));
            }
        }

        static bool IsRate(double rate) => double.IsFinite(rate) && rate >= 0;
    }

    internal static void ValidateTargets(IReadOnlyList<LoadTarget> targets)
    {
        if (targets is null || targets.Count == 0)
        {
            throw new ArgumentException("at least one target is needed", nameof(targets));
        }

        foreach (var target in targets)
        {
            ValidateTarget(target);
        }
    }

    internal static void ValidateTarget(LoadTarget target)
    {
        if (target.Urls is null || target.Urls.Count == 0)
        {
            throw new ArgumentException($"target '{target.Name}' has no URL", nameof(target));
        }

        foreach (var url in target.Urls)
        {
            if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"target '{target.Name}': '{url}' is not an absolute http(s) URL", nameof(target));
            }
        }
    }
}
