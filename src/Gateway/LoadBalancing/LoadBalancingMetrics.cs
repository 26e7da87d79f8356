using Gateway.Balancing;
using Gateway.Metrics;
using Prometheus;
using ServerMetrics;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// The gates' metrics: queue waits, failed and retried attempts, passive health's ejections, recoveries and hold-backs,
/// and, read just before each scrape, each cluster's queue and each destination's in-flight count, limit and health.
/// Names, labels and help texts are a contract (see README, Metrics).
/// </summary>
internal sealed class LoadBalancingMetrics
{
    private readonly LabelledSeries<string, Histogram.Child> _queueWait;
    private readonly LabelledSeries<(string Cluster, string Destination, string Kind), Counter.Child> _upstreamFailures;
    private readonly LabelledSeries<(string Cluster, string Destination, string Kind), Counter.Child> _retries;
    private readonly LabelledSeries<(string Cluster, string Destination, string Reason), Counter.Child> _ejections;
    private readonly LabelledSeries<(string Cluster, string Destination), Counter.Child> _recoveries;
    private readonly LabelledSeries<(string Cluster, string Destination), Counter.Child> _holdBacks;

    public LoadBalancingMetrics(IMetricFactory factory, CollectorRegistry registry, SeriesLimit limit, ClusterGateRegistry gates, IServiceProvider services)
    {
        var queueWait = factory.CreateHistogram(
            "gateway_queue_wait_seconds", "Time waiting in the gateway queue for a destination slot.", ["cluster"],
            new HistogramConfiguration { Buckets = LatencyBuckets.Seconds });
        _queueWait = new(limit, cluster => queueWait.WithLabels(cluster));
        var upstreamFailures = factory.CreateCounter(
            "gateway_upstream_failures_total",
            "Attempts that failed at the destination, by kind: connection_refused, connect_timeout, connect_failed, connection_reset, timeout, server_error.",
            ["cluster", "destination", "kind"]);
        _upstreamFailures = new(limit, k => upstreamFailures.WithLabels(k.Cluster, k.Destination, k.Kind));
        var retries = factory.CreateCounter(
            "gateway_upstream_retries_total", "Requests sent again to another destination, by the destination that failed and the failure's kind.",
            ["cluster", "destination", "kind"]);
        _retries = new(limit, k => retries.WithLabels(k.Cluster, k.Destination, k.Kind));
        var ejections = factory.CreateCounter(
            "gateway_destination_ejections_total",
            "Destinations taken out of rotation by passive health, by reason: consecutive_failures, failure_ratio, half_open_failure.",
            ["cluster", "destination", "reason"]);
        _ejections = new(limit, k => ejections.WithLabels(k.Cluster, k.Destination, k.Reason));
        var recoveries = factory.CreateCounter(
            "gateway_destination_recoveries_total", "Ejected destinations back in full rotation after a half-open ramp without failures.", ["cluster", "destination"]);
        _recoveries = new(limit, k => recoveries.WithLabels(k.Cluster, k.Destination));
        var holdBacks = factory.CreateCounter(
            "gateway_destination_hold_backs_total", "Upstream 503 responses with Retry-After, each holding new work back from the destination.",
            ["cluster", "destination"]);
        _holdBacks = new(limit, k => holdBacks.WithLabels(k.Cluster, k.Destination));

        var queueLength = ScrapedGauge.Create(factory, "gateway_queue_length", "Requests waiting in the gateway queue.", "cluster");
        var inflight = ScrapedGauge.Create(factory, "gateway_destination_inflight", "Requests in flight from this gateway per destination.", "cluster", "destination");
        var concurrencyLimit = ScrapedGauge.Create(factory, "gateway_destination_concurrency_limit",
            "Concurrency limit in force per destination (configured or learned); absent when unlimited.", "cluster", "destination");
        var ejected = ScrapedGauge.Create(factory, "gateway_destination_ejected",
            "1 while passive health keeps the destination out of rotation, else 0.", "cluster", "destination");
        var unhealthy = ScrapedGauge.Create(factory, "gateway_destination_unhealthy",
            "1 while YARP's health checks (active, or YARP's own passive) mark the destination unhealthy, else 0; clusters with health checks only.",
            "cluster", "destination");
        var proxyState = new Lazy<IProxyStateLookup>(services.GetRequiredService<IProxyStateLookup>);
        registry.AddBeforeCollectCallback(() =>
        {
            queueLength.Publish(gates.All.Select(g => (new[] { g.ClusterId }, (double)g.QueueLength)));
            inflight.Publish(DestinationFigures(gates, DestinationFigure.InFlight));
            concurrencyLimit.Publish(DestinationFigures(gates, DestinationFigure.Limit));
            ejected.Publish(DestinationFigures(gates, DestinationFigure.Ejected));
            unhealthy.Publish(UnhealthyFigures(proxyState.Value));
        });
    }

    public void RecordQueueWait(string cluster, TimeSpan wait) => _queueWait[cluster]?.Observe(wait.TotalSeconds);

    public void RecordUpstreamFailure(string cluster, string destination, string kind) => _upstreamFailures[(cluster, destination, kind)]?.Inc();

    public void RecordRetry(string cluster, string failedDestination, string kind) => _retries[(cluster, failedDestination, kind)]?.Inc();

    public void RecordHealthEvent(string cluster, HealthEvent health)
    {
        switch (health.Kind)
        {
            case HealthEventKind.Ejected:
                _ejections[(cluster, health.DestinationId, health.Reason ?? "")]?.Inc();
                break;
            case HealthEventKind.Recovered:
                _recoveries[(cluster, health.DestinationId)]?.Inc();
                break;
            case HealthEventKind.HeldBack:
                _holdBacks[(cluster, health.DestinationId)]?.Inc();
                break;
        }
    }

    private enum DestinationFigure
    {
        InFlight,
        Limit,
        Ejected,
    }

    private static IEnumerable<(string[], double)> DestinationFigures(ClusterGateRegistry gates, DestinationFigure figure)
    {
        foreach (var gate in gates.All)
        {
            foreach (var (destinationId, inFlight, limit, ejected) in gate.Snapshot())
            {
                int? value = figure switch
                {
                    DestinationFigure.InFlight => inFlight,
                    DestinationFigure.Limit => limit,
                    _ => ejected ? 1 : 0,
                };
                if (value is { } v)
                {
                    yield return ([gate.ClusterId, destinationId], v);
                }
            }
        }
    }

    private static IEnumerable<(string[], double)> UnhealthyFigures(IProxyStateLookup proxyState)
    {
        foreach (var cluster in proxyState.GetClusters())
        {
            var health = cluster.Model.Config.HealthCheck;
            if (health?.Active?.Enabled != true && health?.Passive?.Enabled != true)
            {
                continue;
            }

            foreach (var destination in cluster.Destinations.Values)
            {
                var unhealthy = destination.Health.Active == DestinationHealth.Unhealthy || destination.Health.Passive == DestinationHealth.Unhealthy;
                yield return ([cluster.ClusterId, destination.DestinationId], unhealthy ? 1 : 0);
            }
        }
    }
}
