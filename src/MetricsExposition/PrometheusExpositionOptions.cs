namespace MetricsExposition;

/// <summary>What the exposition listens to and how it names it.</summary>
public sealed class PrometheusExpositionOptions
{
    /// <summary>The .NET runtime meter: GC, thread pool, JIT, exceptions, process CPU and memory.</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>Kestrel's meter: active, queued and rejected connections, connection and TLS handshake durations.</summary>
    public const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";

    /// <summary>HttpClient's meter: open connections, request durations and connection-pool queueing per upstream.</summary>
    public const string HttpClientMeter = "System.Net.Http";

    /// <summary>Meters to expose, by name. Meters created through another app's <c>IMeterFactory</c> are ignored.</summary>
    public ISet<string> Meters { get; } = new HashSet<string>(StringComparer.Ordinal) { RuntimeMeter, KestrelMeter };

    /// <summary>
    /// Exposed names for instruments whose derived name breaks Prometheus conventions: a gauge ending in
    /// <c>_count</c> reads as a histogram part. Keyed by instrument name.
    /// </summary>
    public IDictionary<string, string> Renames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dotnet.thread_pool.thread.count"] = "dotnet_thread_pool_threads",
        ["dotnet.assembly.count"] = "dotnet_assemblies",
        ["dotnet.timer.count"] = "dotnet_timers",
        ["dotnet.process.cpu.count"] = "dotnet_process_cpus",
    };

    /// <summary>
    /// Instruments exposed as gauges whatever their type. The runtime publishes the thread pool's thread
    /// count and queue length as observable counters, though both go down (OpenTelemetry's semantic
    /// conventions call them up-down counters); as counters, rate() over them would be nonsense.
    /// </summary>
    public ISet<string> Gauges { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "dotnet.thread_pool.thread.count",
        "dotnet.thread_pool.queue.length",
    };

    /// <summary>
    /// Series kept per metric. Past this, new label combinations are dropped (and counted in
    /// <c>metrics_exposition_series_dropped_total</c>) rather than growing memory and scrape size without bound.
    /// </summary>
    public int MaxSeriesPerMetric { get; set; } = 10_000;

    /// <summary>Buckets for histograms in seconds that do not advise their own: 0.5 ms to 30 s.</summary>
    public IReadOnlyList<double> SecondsBuckets { get; set; } = LatencyBuckets.Seconds;

    /// <summary>Buckets for other histograms that do not advise their own (OpenTelemetry's defaults).</summary>
    public IReadOnlyList<double> DefaultBuckets { get; set; } =
        [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
}
