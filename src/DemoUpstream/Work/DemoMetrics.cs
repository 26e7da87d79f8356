using System.Diagnostics.Metrics;
using DemoUpstream.Slots;
using MetricsExposition;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Work;

/// <summary>
/// DemoUpstream's instruments, on the <c>DemoUpstream</c> meter: the ground truth the gateway's
/// upstream-local queueing estimate is checked against. Every series carries the <c>service</c> label.
/// </summary>
internal sealed class DemoMetrics
{
    public const string MeterName = "DemoUpstream";

    private readonly KeyValuePair<string, object?> _service;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _serviceDuration;
    private readonly Counter<long> _requests;

    public DemoMetrics(IMeterFactory meterFactory, SlotPool slots, IOptions<DemoUpstreamOptions> options)
    {
        _service = new("service", options.Value.ServiceName);
        var meter = meterFactory.Create(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets.Seconds };
        _queueWait = meter.CreateHistogram(
            "demo.queue.wait", "s", "Time each request waited in the local queue for a worker slot (ground truth).", advice: advice);
        _serviceDuration = meter.CreateHistogram("demo.service.duration", "s", "Time each request held its worker slot.", advice: advice);
        _requests = meter.CreateCounter<long>("demo.requests", "{request}", "Simulated-work requests by status code.");
        meter.CreateObservableGauge("demo.slots.busy", () => new Measurement<int>(slots.Busy, _service), "{slot}", "Worker slots in use.");
        meter.CreateObservableGauge("demo.slots.capacity", () => new Measurement<int>(slots.Slots, _service), "{slot}", "Worker slots configured.");
        meter.CreateObservableGauge(
            "demo.queue.length", () => new Measurement<int>(slots.QueueLength, _service), "{request}", "Requests waiting in the local queue.");
    }

    public void RecordQueueWait(TimeSpan wait) => _queueWait.Record(wait.TotalSeconds, _service);

    public void RecordService(TimeSpan duration) => _serviceDuration.Record(duration.TotalSeconds, _service);

    public void RecordRequest(int statusCode) => _requests.Add(1, _service, new KeyValuePair<string, object?>("code", statusCode));
}
