using Microsoft.Extensions.Options;
using Prometheus;
using ServerMetrics;

namespace DemoUpstream.Jobs;

/// <summary>
/// The jobs API's metrics, in the app's prometheus-net registry. Every series carries <c>service</c> and <c>queue</c>
/// (the priority class). The latency SLIs are <c>demo_jobs_oldest_age_seconds</c> and
/// <c>demo_jobs_first_attempt_age_seconds</c>; both are measured from visible_at, so an intentional qdelay does not
/// count as queueing.
/// </summary>
internal sealed class JobMetrics
{
    /// <summary>Seconds, from LatencyBuckets' 0.5 ms to 30 s on to an hour (the default TTL): backlogs age past 30 s.</summary>
    private static readonly double[] AgeBuckets = [.. LatencyBuckets.Seconds, 60, 120, 300, 600, 1800, 3600];

    private readonly CollectorRegistry _registry;
    private readonly string _service;
    private readonly Counter _enqueued;
    private readonly Counter _finished;
    private readonly Counter _qdelayInvalid;
    private readonly Histogram _firstAttemptAge;
    private readonly Gauge _oldestAge;
    private readonly Gauge _queued;
    private readonly Gauge _running;

    public JobMetrics(IMetricFactory factory, CollectorRegistry registry, IOptions<DemoUpstreamOptions> options)
    {
        _registry = registry;
        _service = options.Value.ServiceName;
        _enqueued = factory.CreateCounter(
            "demo_jobs_enqueued_total", "Jobs accepted, by origin: a request, or a running job's child.", ["origin", "queue", "service"]);
        _finished = factory.CreateCounter(
            "demo_jobs_finished_total", "Jobs finished, by outcome (succeeded, failed, dead-lettered) and reason (permanent, attempts, ttl, shutdown).",
            ["outcome", "queue", "reason", "service"]);
        _qdelayInvalid = factory.CreateCounter(
            "demo_jobs_qdelay_invalid_total", "qdelay baggage entries ignored because they were not whole milliseconds from 0 to 900000.",
            ["entry", "queue", "service"]);
        _firstAttemptAge = factory.CreateHistogram(
            "demo_jobs_first_attempt_age_seconds",
            "Time from a job becoming visible (after its qdelay) to its first attempt starting.",
            ["queue", "service"],
            new HistogramConfiguration { Buckets = AgeBuckets });
        _oldestAge = factory.CreateGauge(
            "demo_jobs_oldest_age_seconds",
            "Age of the oldest visible job not yet started, measured from visible_at (so excluding the intentional qdelay); 0 when none waits.",
            ["queue", "service"]);
        _queued = factory.CreateGauge("demo_jobs_queued", "Jobs queued, visible or not yet.", ["queue", "service"]);
        _running = factory.CreateGauge("demo_jobs_running", "Jobs being executed.", ["queue", "service"]);
    }

    /// <summary>Reads the queue gauges from <paramref name="read"/> just before each scrape.</summary>
    public void ObserveQueues(Func<IReadOnlyList<JobQueueStats>> read) => _registry.AddBeforeCollectCallback(() =>
    {
        foreach (var stats in read())
        {
            _oldestAge.WithLabels(stats.Queue, _service).Set(stats.OldestVisibleAge.TotalSeconds);
            _queued.WithLabels(stats.Queue, _service).Set(stats.Queued);
            _running.WithLabels(stats.Queue, _service).Set(stats.Running);
        }
    });

    public void RecordEnqueued(string queue, bool child) => _enqueued.WithLabels(child ? "child" : "request", queue, _service).Inc();

    public void RecordFinished(string queue, JobStatus status, string? reason) =>
        _finished.WithLabels(status.ToWire(), queue, reason ?? "none", _service).Inc();

    public void RecordFirstAttemptAge(string queue, TimeSpan age) => _firstAttemptAge.WithLabels(queue, _service).Observe(age.TotalSeconds);

    /// <summary><paramref name="kind"/> is which entry was ignored: <c>ms</c>, <c>jitter_ms</c> or <c>svc</c>.</summary>
    public void RecordQDelayInvalid(string queue, string kind) => _qdelayInvalid.WithLabels(kind, queue, _service).Inc();
}
