using System.Globalization;
using Gateway.Metrics;
using Prometheus;
using ServerMetrics;

namespace Gateway.AccessLog;

/// <summary>
/// Every proxied request, by route, cluster, destination and status, and its total time at the gateway. Names,
/// labels and help texts are a contract (see README, Metrics); label names are in alphabetical order, the order the
/// exposition has always had.
/// </summary>
internal sealed class RequestMetrics
{
    private readonly LabelledSeries<(string Route, string Cluster, string Destination, int Code), Counter.Child> _requests;
    private readonly LabelledSeries<(string Route, string Cluster), Histogram.Child> _requestDuration;

    public RequestMetrics(IMetricFactory factory, SeriesLimit limit)
    {
        var requests = factory.CreateCounter(
            "gateway_requests_total", "Proxied requests by route, cluster, destination and status code.", ["cluster", "code", "destination", "route"]);
        _requests = new(limit, k => requests.WithLabels(k.Cluster, k.Code.ToString(CultureInfo.InvariantCulture), k.Destination, k.Route));

        // The histogram an operator follows from a slow bucket to the trace of a request in it.
        var traced = new HistogramConfiguration { Buckets = LatencyBuckets.Seconds, ExemplarBehavior = SampledTraceExemplar.Behavior };
        var requestDuration = factory.CreateHistogram("gateway_request_duration_seconds", "Total time at the gateway.", ["cluster", "route"], traced);
        _requestDuration = new(limit, k => requestDuration.WithLabels(k.Cluster, k.Route));
    }

    public void RecordRequest(string route, string cluster, string destination, int statusCode, TimeSpan duration)
    {
        _requests[(route, cluster, destination, statusCode)]?.Inc();
        _requestDuration[(route, cluster)]?.Observe(duration.TotalSeconds);
    }
}
