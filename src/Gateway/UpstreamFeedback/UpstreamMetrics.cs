using Gateway.Metrics;
using Prometheus;
using ServerMetrics;

namespace Gateway.UpstreamFeedback;

/// <summary>
/// What upstreams reported, per destination: the round trip, the app's own time (Server-Timing), the upstream-local
/// queueing estimate, and headers that were missing or malformed. Names, labels and help texts are a contract (see
/// README, Metrics).
/// </summary>
internal sealed class UpstreamMetrics
{
    private readonly LabelledSeries<(string Cluster, string Destination), Upstream> _upstream;
    private readonly Counter.Child[] _headerErrors;

    public UpstreamMetrics(IMetricFactory factory, SeriesLimit limit)
    {
        var latency = new HistogramConfiguration { Buckets = LatencyBuckets.Seconds };

        // The histogram an operator follows from a slow bucket to the trace of a request in it.
        var traced = new HistogramConfiguration { Buckets = LatencyBuckets.Seconds, ExemplarBehavior = SampledTraceExemplar.Behavior };
        var upstreamDuration = factory.CreateHistogram(
            "gateway_upstream_duration_seconds", "Upstream round trip: request sent to response headers received.", ["cluster", "destination"], latency);
        var upstreamReported = factory.CreateHistogram(
            "gateway_upstream_reported_duration_seconds", "The upstream's own processing time (Server-Timing app).", ["cluster", "destination"], latency);
        var upstreamLocalQueue = factory.CreateHistogram(
            "gateway_upstream_local_queue_seconds", "Estimated upstream-local queueing: round trip minus reported time.", ["cluster", "destination"], traced);
        _upstream = new(limit, k => new Upstream(
            upstreamDuration.WithLabels(k.Cluster, k.Destination),
            upstreamReported.WithLabels(k.Cluster, k.Destination),
            upstreamLocalQueue.WithLabels(k.Cluster, k.Destination)));

        // Every kind is always exposed, at 0 until it happens, so rate() and alerts work from the first scrape.
        var headerErrors = factory.CreateCounter("gateway_upstream_header_errors_total", "Missing or malformed upstream timing and load headers, by kind.", ["kind"]);
        _headerErrors = [.. HeaderErrorKinds.All.Select(kind => headerErrors.WithLabels(kind))];
    }

    public void RecordUpstream(string cluster, string destination, TimeSpan roundTrip, TimeSpan? reported, TimeSpan? localQueue)
    {
        if (_upstream[(cluster, destination)] is not { } upstream)
        {
            return;
        }

        upstream.Duration.Observe(roundTrip.TotalSeconds);
        if (reported is { } app)
        {
            upstream.Reported.Observe(app.TotalSeconds);
        }

        if (localQueue is { } ulq)
        {
            upstream.LocalQueue.Observe(ulq.TotalSeconds);
        }
    }

    public void RecordHeaderError(string kind) => _headerErrors[HeaderErrorKinds.IndexOf(kind)].Inc();

    private sealed record Upstream(Histogram.Child Duration, Histogram.Child Reported, Histogram.Child LocalQueue);
}
