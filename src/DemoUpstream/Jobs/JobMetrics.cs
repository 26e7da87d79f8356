using System.Diagnostics;
using System.Diagnostics.Metrics;
using DemoUpstream.Work;
using MetricsExposition;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Jobs;

/// <summary>
/// The jobs API's instruments, on the <c>DemoUpstream</c> meter. Every series carries <c>service</c> and <c>queue</c>
/// (the priority class). The latency SLIs are <c>demo.jobs.oldest_age</c> and <c>demo.jobs.first_attempt_age</c>; both
/// are measured from visible_at, so an intentional qdelay does not count as queueing.
/// </summary>
internal sealed class JobMetrics
{
    /// <summary>Seconds, from LatencyBuckets' 0.5 ms to 30 s on to an hour (the default TTL): backlogs age past 30 s.</summary>
    private static readonly IReadOnlyList<double> AgeBuckets = [.. LatencyBuckets.Seconds, 60, 120, 300, 600, 1800, 3600];

    private readonly Meter _meter;
    private readonly string _service;
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _qdelayInvalid;
    private readonly Histogram<double> _firstAttemptAge;

    public JobMetrics(IMeterFactory meterFactory, IOptions<DemoUpstreamOptions> options)
    {
        _service = options.Value.ServiceName;
        _meter = meterFactory.Create(DemoMetrics.MeterName);
        _enqueued = _meter.CreateCounter<long>("demo.jobs.enqueued", "{job}", "Jobs accepted, by origin: a request, or a running job's child.");
        _finished = _meter.CreateCounter<long>(
            "demo.jobs.finished", "{job}", "Jobs finished, by outcome (succeeded, failed, dead-lettered) and reason (permanent, attempts, ttl, shutdown).");
        _qdelayInvalid = _meter.CreateCounter<long>(
            "demo.jobs.qdelay_invalid", "{entry}", "qdelay baggage entries ignored because they were not whole milliseconds from 0 to 900000.");
        _firstAttemptAge = _meter.CreateHistogram(
            "demo.jobs.first_attempt_age",
            "s",
            "Time from a job becoming visible (after its qdelay) to its first attempt starting.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AgeBuckets });
    }

    /// <summary>Creates the queue gauges, read from <paramref name="read"/> at each collection.</summary>
    public void ObserveQueues(Func<IReadOnlyList<JobQueueStats>> read)
    {
        _meter.CreateObservableGauge(
            "demo.jobs.oldest_age",
            () => read().Select(s => new Measurement<double>(s.OldestVisibleAge.TotalSeconds, Tags(s.Queue))),
            "s",
            "Age of the oldest visible job not yet started, measured from visible_at (so excluding the intentional qdelay); 0 when none waits.");
        _meter.CreateObservableGauge(
            "demo.jobs.queued", () => read().Select(s => new Measurement<int>(s.Queued, Tags(s.Queue))), "{job}", "Jobs queued, visible or not yet.");
        _meter.CreateObservableGauge(
            "demo.jobs.running", () => read().Select(s => new Measurement<int>(s.Running, Tags(s.Queue))), "{job}", "Jobs being executed.");
    }

    public void RecordEnqueued(string queue, bool child)
    {
        if (_enqueued.Enabled)
        {
            var tags = Tags(queue);
            tags.Add("origin", child ? "child" : "request");
            _enqueued.Add(1, tags);
        }
    }

    public void RecordFinished(string queue, JobStatus status, string? reason)
    {
        if (_finished.Enabled)
        {
            var tags = Tags(queue);
            tags.Add("outcome", status.ToWire());
            tags.Add("reason", reason ?? "none");
            _finished.Add(1, tags);
        }
    }

    public void RecordFirstAttemptAge(string queue, TimeSpan age)
    {
        if (_firstAttemptAge.Enabled)
        {
            _firstAttemptAge.Record(age.TotalSeconds, Tags(queue));
        }
    }

    /// <summary><paramref name="kind"/> is which entry was ignored: <c>ms</c>, <c>jitter_ms</c> or <c>svc</c>.</summary>
    public void RecordQDelayInvalid(string queue, string kind)
    {
        if (_qdelayInvalid.Enabled)
        {
            var tags = Tags(queue);
            tags.Add("entry", kind);
            _qdelayInvalid.Add(1, tags);
        }
    }

    private TagList Tags(string queue) => new() { { "service", _service }, { "queue", queue } };
}
