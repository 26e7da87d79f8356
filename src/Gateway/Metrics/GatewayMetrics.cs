using System.Globalization;
using Gateway.Balancing;
using Gateway.Admission;
using Gateway.Configuration;
using Gateway.Context;
using Gateway.LoadBalancing;
using Microsoft.Extensions.Options;
using Prometheus;
using ServerMetrics;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.Metrics;

/// <summary>
/// The gateway's metrics, defined with prometheus-net in the app's own registry. Names, types and labels are a
/// contract (see README, Metrics); durations are in seconds with buckets from 0.5 ms to 30 s. Label names are listed
/// in alphabetical order, the order the exposition has always had. Gauges of the gateway's state are read just before
/// each scrape.
/// </summary>
internal sealed class GatewayMetrics
{
    private readonly LabelledSeries<(string Route, string Cluster, string Destination, int Code), Counter.Child> _requests;
    private readonly LabelledSeries<(string Route, string Cluster), Histogram.Child> _requestDuration;
    private readonly LabelledSeries<string, Histogram.Child> _queueWait;
    private readonly LabelledSeries<(string Cluster, string Destination), Upstream> _upstream;
    private readonly LabelledSeries<(string Cluster, string Destination), Counter.Child> _connectErrors;
    private readonly LabelledSeries<(string Cluster, string Destination, string Kind), Counter.Child> _upstreamFailures;
    private readonly LabelledSeries<(string Cluster, string Destination, string Kind), Counter.Child> _retries;
    private readonly LabelledSeries<(string Cluster, string Destination, string Reason), Counter.Child> _ejections;
    private readonly LabelledSeries<(string Cluster, string Destination), Counter.Child> _recoveries;
    private readonly LabelledSeries<(string Cluster, string Destination), Counter.Child> _holdBacks;
    private readonly LabelledSeries<(string Tenant, string Outcome, string Reason), Counter.Child> _admission;
    private readonly Counter _authRejected;
    private readonly Counter _signingKeysFetches;
    private readonly Counter _qdelay;
    private readonly Counter _qdelayStripped;
    private readonly Counter _baggageDropped;
    private readonly Counter.Child[] _headerErrors;

    public GatewayMetrics(
        IMetricFactory factory,
        CollectorRegistry registry,
        ClusterGateRegistry gates,
        TenantStateRegistry tenants,
        ClassShedding shedding,
        IServiceProvider services)
    {
        // Resolved on first use, not injected: validating the options lists the balancing policies, which may record here.
        var options = new Lazy<LiveGatewayOptions>(services.GetRequiredService<LiveGatewayOptions>);
        var limit = new SeriesLimit(factory, () => services.GetRequiredService<IOptions<GatewayOptions>>().Value.Metrics.MaxSeriesPerMetric);
        var latency = new HistogramConfiguration { Buckets = LatencyBuckets.Seconds };

        // The two histograms an operator follows from a slow bucket to the trace of a request in it.
        var traced = new HistogramConfiguration { Buckets = LatencyBuckets.Seconds, ExemplarBehavior = SampledTraceExemplar.Behavior };

        var requests = factory.CreateCounter(
            "gateway_requests_total", "Proxied requests by route, cluster, destination and status code.", ["cluster", "code", "destination", "route"]);
        _requests = new(limit, k => requests.WithLabels(k.Cluster, k.Code.ToString(CultureInfo.InvariantCulture), k.Destination, k.Route));
        var requestDuration = factory.CreateHistogram("gateway_request_duration_seconds", "Total time at the gateway.", ["cluster", "route"], traced);
        _requestDuration = new(limit, k => requestDuration.WithLabels(k.Cluster, k.Route));
        var queueWait = factory.CreateHistogram(
            "gateway_queue_wait_seconds", "Time waiting in the gateway queue for a destination slot.", ["cluster"], latency);
        _queueWait = new(limit, cluster => queueWait.WithLabels(cluster));

        var upstreamDuration = factory.CreateHistogram(
            "gateway_upstream_duration_seconds", "Upstream round trip: request sent to response headers received.", ["cluster", "destination"], latency);
        var upstreamReported = factory.CreateHistogram(
            "gateway_upstream_reported_duration_seconds", "The upstream's own processing time (Server-Timing app).", ["cluster", "destination"], latency);
        var upstreamLocalQueue = factory.CreateHistogram(
            "gateway_upstream_local_queue_seconds", "Estimated upstream-local queueing: round trip minus reported time.", ["cluster", "destination"], traced);
        var connectionsOpened = factory.CreateCounter(
            "gateway_upstream_connections_opened_total", "New connections to upstreams (TCP, plus TLS where used), by destination.", ["cluster", "destination"]);
        var connectDuration = factory.CreateHistogram(
            "gateway_upstream_connect_duration_seconds", "Time to open an upstream connection: TCP connect plus TLS handshake.", ["cluster", "destination"], latency);
        _upstream = new(limit, k => new Upstream(
            upstreamDuration.WithLabels(k.Cluster, k.Destination),
            upstreamReported.WithLabels(k.Cluster, k.Destination),
            upstreamLocalQueue.WithLabels(k.Cluster, k.Destination),
            connectionsOpened, connectDuration, k));

        var connectErrors = factory.CreateCounter(
            "gateway_upstream_connect_errors_total", "Failed TCP connection attempts to upstreams, by destination.", ["cluster", "destination"]);
        _connectErrors = new(limit, k => connectErrors.WithLabels(k.Cluster, k.Destination));
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

        // Bounded by construction (reasons, sources and outcomes are the gateway's own constants).
        _authRejected = factory.CreateCounter(
            "gateway_auth_rejected_total", "Requests refused with 401, by reason: missing_token, invalid_token, expired_token.", ["reason"]);
        _signingKeysFetches = factory.CreateCounter(
            "gateway_signing_keys_fetches_total", "Key documents fetched from MetadataAddress or JwksUrl (or its jwks_uri), by outcome: fetched, failed.", ["outcome"]);
        _qdelay = factory.CreateCounter(
            "gateway_qdelay_requests_total", "Requests carrying a qdelay, by source (token, header) and outcome (applied, clamped, rejected).",
            ["outcome", "source"]);
        _qdelayStripped = factory.CreateCounter(
            "gateway_qdelay_stripped_total", "Requests whose caller-sent qdelay was removed, by where it came (baggage, header).", ["source"]);
        _baggageDropped = factory.CreateCounter(
            "gateway_baggage_dropped_total", "Caller baggage members not sent upstream, by reason: invalid, limit (past 64 members or 8192 bytes).", ["reason"]);
        var admission = factory.CreateCounter(
            "gateway_admission_decisions_total",
            "Enqueue-route admission decisions by tenant (configured tenants, anonymous, other), outcome and reason.",
            ["outcome", "reason", "tenant"]);
        _admission = new(limit, k => admission.WithLabels(k.Outcome, k.Reason, k.Tenant));

        // Every kind is always exposed, at 0 until it happens, so rate() and alerts work from the first scrape.
        var headerErrors = factory.CreateCounter("gateway_upstream_header_errors_total", "Missing or malformed upstream timing and load headers, by kind.", ["kind"]);
        _headerErrors = [.. HeaderErrorKinds.All.Select(kind => headerErrors.WithLabels(kind))];

        var tokens = Scraped(factory, "gateway_admission_tokens", "Tokens in each tenant's bucket now; other is the sum over unlisted tenants.", "tenant");
        var effectiveRate = Scraped(factory, "gateway_admission_effective_rate",
            "The rate each tenant's last enqueue was admitted against, after backlog backpressure; other is the sum.", "tenant");
        var backlogAge = Scraped(factory, "gateway_admission_backlog_age_seconds",
            "The age of each tenant's oldest job in the upstream's backlog, as last reported; other is the oldest of unlisted tenants.", "tenant");
        var tenantCount = factory.CreateGauge(
            "gateway_admission_tenants", "Tenants with admission state in memory (idle ones are dropped after Gateway:Admission:IdleTenantExpiry).");
        var shedLevel = Scraped(factory, "gateway_admission_shed_level",
            "Priority levels a cluster sheds now, lowest first: 0 none; 1 the lowest class; and so on.", "cluster");
        var queueLength = Scraped(factory, "gateway_queue_length", "Requests waiting in the gateway queue.", "cluster");
        var inflight = Scraped(factory, "gateway_destination_inflight", "Requests in flight from this gateway per destination.", "cluster", "destination");
        var concurrencyLimit = Scraped(factory, "gateway_destination_concurrency_limit",
            "Concurrency limit in force per destination (configured or learned); absent when unlimited.", "cluster", "destination");
        var ejected = Scraped(factory, "gateway_destination_ejected",
            "1 while passive health keeps the destination out of rotation, else 0.", "cluster", "destination");
        var unhealthy = Scraped(factory, "gateway_destination_unhealthy",
            "1 while YARP's health checks (active, or YARP's own passive) mark the destination unhealthy, else 0; clusters with health checks only.",
            "cluster", "destination");
        var proxyState = new Lazy<IProxyStateLookup>(services.GetRequiredService<IProxyStateLookup>);
        registry.AddBeforeCollectCallback(() =>
        {
            var admissionOptions = options.Value.Current.Admission;
            tokens.Publish(TenantFigures(tenants, admissionOptions, TenantFigure.Tokens));
            effectiveRate.Publish(TenantFigures(tenants, admissionOptions, TenantFigure.EffectiveRate));
            backlogAge.Publish(TenantFigures(tenants, admissionOptions, TenantFigure.BacklogAge));
            tenantCount.Set(tenants.Count);
            shedLevel.Publish(shedding.All.Select(c => (new[] { c.ClusterId }, (double)c.Level)));
            queueLength.Publish(gates.All.Select(g => (new[] { g.ClusterId }, (double)g.QueueLength)));
            inflight.Publish(DestinationFigures(gates, DestinationFigure.InFlight));
            concurrencyLimit.Publish(DestinationFigures(gates, DestinationFigure.Limit));
            ejected.Publish(DestinationFigures(gates, DestinationFigure.Ejected));
            unhealthy.Publish(UnhealthyFigures(proxyState.Value));
        });
    }

    public void RecordRequest(string route, string cluster, string destination, int statusCode, TimeSpan duration)
    {
        _requests[(route, cluster, destination, statusCode)]?.Inc();
        _requestDuration[(route, cluster)]?.Observe(duration.TotalSeconds);
    }

    public void RecordQueueWait(string cluster, TimeSpan wait) => _queueWait[cluster]?.Observe(wait.TotalSeconds);

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

    public void RecordAuthRejected(string reason) => _authRejected.WithLabels(reason).Inc();

    public void RecordSigningKeysFetch(string outcome) => _signingKeysFetches.WithLabels(outcome).Inc();

    public void RecordQdelay(string source, string outcome) => _qdelay.WithLabels(outcome, source).Inc();

    public void RecordQdelayStripped(string source) => _qdelayStripped.WithLabels(source).Inc();

    public void RecordBaggage(BaggageComposition baggage)
    {
        if (baggage.Stripped > 0)
        {
            RecordQdelayStripped(QdelaySources.Baggage);
        }

        if (baggage.Invalid > 0)
        {
            _baggageDropped.WithLabels("invalid").Inc(baggage.Invalid);
        }

        if (baggage.OverLimit > 0)
        {
            _baggageDropped.WithLabels("limit").Inc(baggage.OverLimit);
        }
    }

    public void RecordAdmission(string tenant, bool admitted, string reason) => _admission[(tenant, admitted ? "admitted" : "rejected", reason)]?.Inc();

    public void RecordHeaderError(string kind) => _headerErrors[HeaderErrorKinds.IndexOf(kind)].Inc();

    public void RecordConnectionOpened(string cluster, string destination, TimeSpan connectTime) =>
        _upstream[(cluster, destination)]?.RecordConnection(connectTime);

    public void RecordConnectError(string cluster, string destination) => _connectErrors[(cluster, destination)]?.Inc();

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

    private static ScrapedGauge Scraped(IMetricFactory factory, string name, string help, params string[] labels) =>
        new(factory.CreateGauge(name, help, labels));

    /// <summary>
    /// One destination's upstream series. The connection series appear with the first connection, not with the first
    /// request: a destination that never connected (refusing) has no <c>connections_opened</c> series at all.
    /// </summary>
    private sealed class Upstream(
        Histogram.Child duration, Histogram.Child reported, Histogram.Child localQueue, Counter opened, Histogram connectDuration, (string Cluster, string Destination) key)
    {
        private (Counter.Child Opened, Histogram.Child Duration)? _connections;

        public Histogram.Child Duration { get; } = duration;

        public Histogram.Child Reported { get; } = reported;

        public Histogram.Child LocalQueue { get; } = localQueue;

        public void RecordConnection(TimeSpan connectTime)
        {
            var (count, time) = _connections ??= (opened.WithLabels(key.Cluster, key.Destination), connectDuration.WithLabels(key.Cluster, key.Destination));
            count.Inc();
            time.Observe(connectTime.TotalSeconds);
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

    private enum TenantFigure
    {
        Tokens,
        EffectiveRate,
        BacklogAge,
    }

    /// <summary>
    /// One figure per configured tenant with state, anonymous and other. Unlisted tenants fold into <c>other</c> (sum
    /// of tokens and rates, oldest backlog), so the label stays bounded however many tenants the identity provider has.
    /// </summary>
    private static IEnumerable<(string[], double)> TenantFigures(TenantStateRegistry tenants, AdmissionOptions admission, TenantFigure figure)
    {
        var states = tenants.Tenants.Select(t => (Label: AdmissionMiddleware.Label(admission, t.Key), Tenant: (string?)t.Key, State: t.Value))
            .Append((Label: AdmissionMiddleware.AnonymousLabel, Tenant: null, State: tenants.Anonymous));
        foreach (var group in states.GroupBy(s => s.Label, StringComparer.Ordinal))
        {
            double? value = null;
            foreach (var (_, tenant, state) in group)
            {
                var one = figure switch
                {
                    TenantFigure.Tokens => state.Tokens(TenantLimits.Resolve(admission, tenant).Burst),
                    TenantFigure.EffectiveRate => double.IsNaN(state.EffectiveRate) ? (double?)null : state.EffectiveRate,
                    _ => state.OldestBacklogAgeMs(admission.Backpressure.ReportTtl) / 1000,
                };
                value = one is not { } v ? value : figure == TenantFigure.BacklogAge ? Math.Max(value ?? 0, v) : (value ?? 0) + v;
            }

            if (value is { } total)
            {
                yield return ([group.Key], total);
            }
        }
    }
}
