namespace Gateway.LoadBalancing;

/// <summary>
/// The <c>Gateway:Health</c> section: passive health for clusters balanced by <c>LeastOutstanding</c> and
/// <c>ConcurrencyAware</c>. Every request's outcome counts; a destination that keeps failing is ejected for
/// <see cref="ReactivationPeriod"/>, then comes back half-open: one request at a time, doubling with each success.
/// </summary>
public sealed class HealthOptions
{
    public const string SectionName = "Gateway:Health";

    /// <summary>Eject a destination after this many failures in a row. Default 3.</summary>
    public int ConsecutiveFailures { get; set; } = 3;

    /// <summary>
    /// Eject a destination whose failures reach this share of its requests within <see cref="FailureWindow"/>, once it
    /// had at least <see cref="FailureRatioMinRequests"/> requests there. Default 0.5.
    /// </summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Requests a destination needs within one window before <see cref="FailureRatio"/> applies. Default 20.</summary>
    public int FailureRatioMinRequests { get; set; } = 20;

    /// <summary>The window over which <see cref="FailureRatio"/> counts. Default 10 s.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an ejected destination gets no traffic before one trial request. Default 5 s.</summary>
    public TimeSpan ReactivationPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most of a cluster's destinations that passive health may eject at once, in percent; one may always be
    /// ejected when there are two or more, and the last one in rotation never is. Default 50.
    /// </summary>
    public int MaxEjectedPercent { get; set; } = 50;

    /// <summary>
    /// Count upstream 500, 502 and 504 responses as failures, besides connection failures and timeouts. A 503 is a
    /// load signal, never a failure. Default true.
    /// </summary>
    public bool CountServerErrors { get; set; } = true;

    /// <summary>
    /// The longest an upstream's <c>503</c> with <c>Retry-After</c> holds new work back from it; a longer Retry-After
    /// is cut to this. Default 30 s. Zero turns hold-backs off.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}
