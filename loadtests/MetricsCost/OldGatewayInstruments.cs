using System.Diagnostics;
using System.Diagnostics.Metrics;
using MetricsExposition;

namespace Gateway.MetricsCost;

/// <summary>The per-request instruments of the gateway before prometheus-net, as they were (commit 5bd0045).</summary>
internal sealed class OldGatewayInstruments
{
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Histogram<double> _upstreamReported;
    private readonly Histogram<double> _upstreamLocalQueue;

    public OldGatewayInstruments(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Gateway");
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets.Seconds };
        _requests = meter.CreateCounter<long>("gateway.requests", "{request}", "Proxied requests by route, cluster, destination and status code.");
        _requestDuration = meter.CreateHistogram("gateway.request.duration", "s", "Total time at the gateway.", advice: advice);
        _queueWait = meter.CreateHistogram("gateway.queue.wait", "s", "Time waiting in the gateway queue for a destination slot.", advice: advice);
        _upstreamDuration = meter.CreateHistogram("gateway.upstream.duration", "s", "Upstream round trip.", advice: advice);
        _upstreamReported = meter.CreateHistogram("gateway.upstream.reported_duration", "s", "The upstream's own processing time.", advice: advice);
        _upstreamLocalQueue = meter.CreateHistogram("gateway.upstream.local_queue", "s", "Estimated upstream-local queueing.", advice: advice);
    }

    public void RecordRequest(string route, string cluster, string destination, int statusCode, TimeSpan duration)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, new("route", route), new("cluster", cluster), new("destination", destination), new("code", statusCode));
        }

        if (_requestDuration.Enabled)
        {
            _requestDuration.Record(duration.TotalSeconds, new("route", route), new("cluster", cluster));
        }
    }

    public void RecordQueueWait(string cluster, TimeSpan wait)
    {
        if (_queueWait.Enabled)
        {
            _queueWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("cluster", cluster));
        }
    }

    public void RecordUpstream(string cluster, string destination, TimeSpan roundTrip, TimeSpan? reported, TimeSpan? localQueue)
    {
        var tags = new TagList { { "cluster", cluster }, { "destination", destination } };
        if (_upstreamDuration.Enabled)
        {
            _upstreamDuration.Record(roundTrip.TotalSeconds, tags);
        }

        if (reported is { } app && _upstreamReported.Enabled)
        {
            _upstreamReported.Record(app.TotalSeconds, tags);
        }

        if (localQueue is { } ulq && _upstreamLocalQueue.Enabled)
        {
            _upstreamLocalQueue.Record(ulq.TotalSeconds, tags);
        }
    }
}
