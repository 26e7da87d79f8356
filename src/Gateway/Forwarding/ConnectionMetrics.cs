using Gateway.Metrics;
using Prometheus;
using ServerMetrics;

namespace Gateway.Forwarding;

/// <summary>
/// Connections to upstreams, per destination: opened, how long opening took, and failed attempts. Names, labels and
/// help texts are a contract (see README, Metrics).
/// </summary>
internal sealed class ConnectionMetrics
{
    private readonly LabelledSeries<(string Cluster, string Destination), Connections> _connections;
    private readonly LabelledSeries<(string Cluster, string Destination), Counter.Child> _connectErrors;

    public ConnectionMetrics(IMetricFactory factory, SeriesLimit limit)
    {
        var latency = new HistogramConfiguration { Buckets = LatencyBuckets.Seconds };
        var connectionsOpened = factory.CreateCounter(
            "gateway_upstream_connections_opened_total", "New connections to upstreams (TCP, plus TLS where used), by destination.", ["cluster", "destination"]);
        var connectDuration = factory.CreateHistogram(
            "gateway_upstream_connect_duration_seconds", "Time to open an upstream connection: TCP connect plus TLS handshake.", ["cluster", "destination"], latency);

        // The series appear with a destination's first connection: one that never connected (refusing) has none.
        _connections = new(limit, k => new Connections(
            connectionsOpened.WithLabels(k.Cluster, k.Destination), connectDuration.WithLabels(k.Cluster, k.Destination)));
        var connectErrors = factory.CreateCounter(
            "gateway_upstream_connect_errors_total", "Failed TCP connection attempts to upstreams, by destination.", ["cluster", "destination"]);
        _connectErrors = new(limit, k => connectErrors.WithLabels(k.Cluster, k.Destination));
    }

    public void RecordConnectionOpened(string cluster, string destination, TimeSpan connectTime)
    {
        if (_connections[(cluster, destination)] is { } connections)
        {
            connections.Opened.Inc();
            connections.Duration.Observe(connectTime.TotalSeconds);
        }
    }

    public void RecordConnectError(string cluster, string destination) => _connectErrors[(cluster, destination)]?.Inc();

    private sealed record Connections(Counter.Child Opened, Histogram.Child Duration);
}
