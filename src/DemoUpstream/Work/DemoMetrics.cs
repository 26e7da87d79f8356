using System.Globalization;
using DemoUpstream.Slots;
using Microsoft.Extensions.Options;
using Prometheus;
using ServerMetrics;

namespace DemoUpstream.Work;

/// <summary>
/// DemoUpstream's metrics, in the app's prometheus-net registry: the ground truth the gateway's upstream-local
/// queueing estimate is checked against. Every series carries the <c>service</c> label.
/// </summary>
internal sealed class DemoMetrics
{
    private readonly Histogram.Child _queueWait;
    private readonly Histogram.Child _serviceDuration;
    private readonly Counter _requests;
    private readonly string _service;

    public DemoMetrics(IMetricFactory factory, CollectorRegistry registry, SlotPool slots, IOptions<DemoUpstreamOptions> options)
    {
        _service = options.Value.ServiceName;
        var latency = new HistogramConfiguration { Buckets = LatencyBuckets.Seconds };
        _queueWait = factory.CreateHistogram(
            "demo_queue_wait_seconds", "Time each request waited in the local queue for a worker slot (ground truth).", ["service"], latency).WithLabels(_service);
        _serviceDuration = factory.CreateHistogram(
            "demo_service_duration_seconds", "Time each request held its worker slot.", ["service"], latency).WithLabels(_service);
        _requests = factory.CreateCounter("demo_requests_total", "Simulated-work requests by status code.", ["code", "service"]);
        var busy = factory.CreateGauge("demo_slots_busy", "Worker slots in use.", ["service"]).WithLabels(_service);
        var capacity = factory.CreateGauge("demo_slots_capacity", "Worker slots configured.", ["service"]).WithLabels(_service);
        var queueLength = factory.CreateGauge("demo_queue_length", "Requests waiting in the local queue.", ["service"]).WithLabels(_service);
        registry.AddBeforeCollectCallback(() =>
        {
            busy.Set(slots.Busy);
            capacity.Set(slots.Slots);
            queueLength.Set(slots.QueueLength);
        });
    }

    public void RecordQueueWait(TimeSpan wait) => _queueWait.Observe(wait.TotalSeconds);

    public void RecordService(TimeSpan duration) => _serviceDuration.Observe(duration.TotalSeconds);

    public void RecordRequest(int statusCode) => _requests.WithLabels(statusCode.ToString(CultureInfo.InvariantCulture), _service).Inc();
}
