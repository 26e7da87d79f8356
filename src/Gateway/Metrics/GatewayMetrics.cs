using Gateway.Balancing;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Admission;
using Gateway.Configuration;
using Gateway.Context;
using Gateway.LoadBalancing;
using MetricsExposition;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.Metrics;

/// <summary>
/// The gateway's instruments, on the <c>Gateway</c> meter. Names are a contract (see README, Metrics);
/// durations are in seconds with buckets from 0.5 ms to 30 s.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "Gateway";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Histogram<double> _upstreamReported;
    private readonly Histogram<double> _upstreamLocalQueue;
    private readonly Counter<long> _connectionsOpened;
    private readonly Histogram<double> _connectDuration;
    private readonly Counter<long> _connectErrors;
    private readonly Counter<long> _upstreamFailures;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _recoveries;
    private readonly Counter<long> _holdBacks;
    private readonly Counter<long> _authRejected;
    private readonly Counter<long> _signingKeysFetches;
    private readonly Counter<long> _qdelay;
    private readonly Counter<long> _qdelayStripped;
    private readonly Counter<long> _baggageDropped;
    private readonly Counter<long> _admission;
    private readonly long[] _headerErrors = new long[HeaderErrorKinds.All.Count];

    public GatewayMetrics(
        IMeterFactory meterFactory, ClusterGateRegistry gates, TenantStateRegistry tenants, ClassShedding shedding, IServiceProvider services)
    {
        // Resolved on first scrape, not injected: validating the options lists the balancing policies, which may record here.
        var options = new Lazy<LiveGatewayOptions>(services.GetRequiredService<LiveGatewayOptions>);
        var meter = meterFactory.Create(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets.Seconds };
        _requests = meter.CreateCounter<long>("gateway.requests", "{request}", "Proxied requests by route, cluster, destination and status code.");
        _requestDuration = meter.CreateHistogram("gateway.request.duration", "s", "Total time at the gateway.", advice: advice);
        _queueWait = meter.CreateHistogram("gateway.queue.wait", "s", "Time waiting in the gateway queue for a destination slot.", advice: advice);
        _upstreamDuration = meter.CreateHistogram(
            "gateway.upstream.duration", "s", "Upstream round trip: request sent to response headers received.", advice: advice);
        _upstreamReported = meter.CreateHistogram(
            "gateway.upstream.reported_duration", "s", "The upstream's own processing time (Server-Timing app).", advice: advice);
        _upstreamLocalQueue = meter.CreateHistogram(
            "gateway.upstream.local_queue", "s", "Estimated upstream-local queueing: round trip minus reported time.", advice: advice);
        _connectionsOpened = meter.CreateCounter<long>(
            "gateway.upstream.connections_opened", "{connection}", "New connections to upstreams (TCP, plus TLS where used), by destination.");
        _connectDuration = meter.CreateHistogram(
            "gateway.upstream.connect.duration", "s", "Time to open an upstream connection: TCP connect plus TLS handshake.", advice: advice);
        _connectErrors = meter.CreateCounter<long>(
            "gateway.upstream.connect_errors", "{connection}", "Failed TCP connection attempts to upstreams, by destination.");
        _upstreamFailures = meter.CreateCounter<long>(
            "gateway.upstream.failures", "{request}",
            "Attempts that failed at the destination, by kind: connection_refused, connect_timeout, connect_failed, connection_reset, timeout, server_error.");
        _retries = meter.CreateCounter<long>(
            "gateway.upstream.retries", "{request}", "Requests sent again to another destination, by the destination that failed and the failure's kind.");
        _ejections = meter.CreateCounter<long>(
            "gateway.destination.ejections", "{ejection}",
            "Destinations taken out of rotation by passive health, by reason: consecutive_failures, failure_ratio, half_open_failure.");
        _recoveries = meter.CreateCounter<long>(
            "gateway.destination.recoveries", "{recovery}", "Ejected destinations back in full rotation after a half-open ramp without failures.");
        _holdBacks = meter.CreateCounter<long>(
            "gateway.destination.hold_backs", "{response}", "Upstream 503 responses with Retry-After, each holding new work back from the destination.");

        _authRejected = meter.CreateCounter<long>(
            "gateway.auth.rejected", "{request}", "Requests refused with 401, by reason: missing_token, invalid_token, expired_token.");
        _signingKeysFetches = meter.CreateCounter<long>(
            "gateway.signing_keys.fetches", "{document}", "Key documents fetched from MetadataAddress or JwksUrl (or its jwks_uri), by outcome: fetched, failed.");
        _qdelay = meter.CreateCounter<long>(
            "gateway.qdelay.requests", "{request}", "Requests carrying a qdelay, by source (token, header) and outcome (applied, clamped, rejected).");
        _qdelayStripped = meter.CreateCounter<long>(
            "gateway.qdelay.stripped", "{request}", "Requests whose caller-sent qdelay was removed, by where it came (baggage, header).");
        _baggageDropped = meter.CreateCounter<long>(
            "gateway.baggage.dropped", "{member}", "Caller baggage members not sent upstream, by reason: invalid, limit (past 64 members or 8192 bytes).");

        _admission = meter.CreateCounter<long>(
            "gateway.admission.decisions", "{request}",
            "Enqueue-route admission decisions by tenant (configured tenants, anonymous, other), outcome and reason.");

        meter.CreateObservableGauge("gateway.admission.tokens", () => TenantMeasurements(tenants, options.Value.Current.Admission, TenantFigure.Tokens),
            "{token}", "Tokens in each tenant's bucket now; other is the sum over unlisted tenants.");
        meter.CreateObservableGauge("gateway.admission.effective_rate", () => TenantMeasurements(tenants, options.Value.Current.Admission, TenantFigure.EffectiveRate),
            "{request}/s", "The rate each tenant's last enqueue was admitted against, after backlog backpressure; other is the sum.");
        meter.CreateObservableGauge("gateway.admission.backlog_age", () => TenantMeasurements(tenants, options.Value.Current.Admission, TenantFigure.BacklogAge),
            "s", "The age of each tenant's oldest job in the upstream's backlog, as last reported; other is the oldest of unlisted tenants.");
        meter.CreateObservableGauge("gateway.admission.tenants", () => tenants.Count, "{tenant}",
            "Tenants with admission state in memory (idle ones are dropped after Gateway:Admission:IdleTenantExpiry).");
        meter.CreateObservableGauge("gateway.admission.shed_level", () => shedding.All.Select(
            c => new Measurement<int>(c.Level, new KeyValuePair<string, object?>("cluster", c.ClusterId))), "{level}",
            "Priority levels a cluster sheds now, lowest first: 0 none; 1 the lowest class; and so on.");

        // Every kind is always exposed, at 0 until it happens, so rate() and alerts work from the first scrape.
        meter.CreateObservableCounter("gateway.upstream.header_errors", () => HeaderErrorKinds.All.Select(
            (kind, i) => new Measurement<long>(Interlocked.Read(ref _headerErrors[i]), new KeyValuePair<string, object?>("kind", kind))),
            "{header}", "Missing or malformed upstream timing and load headers, by kind.");

        meter.CreateObservableGauge("gateway.queue.length", () => gates.All.Select(
            g => new Measurement<int>(g.QueueLength, new KeyValuePair<string, object?>("cluster", g.ClusterId))), "{request}", "Requests waiting in the gateway queue.");
        meter.CreateObservableGauge("gateway.destination.inflight", () => DestinationMeasurements(gates, limit: false), "{request}",
            "Requests in flight from this gateway per destination.");
        meter.CreateObservableGauge("gateway.destination.concurrency_limit", () => DestinationMeasurements(gates, limit: true), "{request}",
            "Concurrency limit in force per destination (configured or learned); absent when unlimited.");
        meter.CreateObservableGauge("gateway.destination.ejected", () => EjectedMeasurements(gates), "{destination}",
            "1 while passive health keeps the destination out of rotation, else 0.");
        var proxyState = new Lazy<IProxyStateLookup>(services.GetRequiredService<IProxyStateLookup>);
        meter.CreateObservableGauge("gateway.destination.unhealthy", () => UnhealthyMeasurements(proxyState.Value), "{destination}",
            "1 while YARP's health checks (active, or YARP's own passive) mark the destination unhealthy, else 0; clusters with health checks only.");
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

    public void RecordAuthRejected(string reason) => _authRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RecordSigningKeysFetch(string outcome) => _signingKeysFetches.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordQdelay(string source, string outcome) =>
        _qdelay.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordQdelayStripped(string source) => _qdelayStripped.Add(1, new KeyValuePair<string, object?>("source", source));

    public void RecordBaggage(BaggageComposition baggage)
    {
        if (baggage.Stripped > 0)
        {
            RecordQdelayStripped(QdelaySources.Baggage);
        }

        if (baggage.Invalid > 0)
        {
            _baggageDropped.Add(baggage.Invalid, new KeyValuePair<string, object?>("reason", "invalid"));
        }

        if (baggage.OverLimit > 0)
        {
            _baggageDropped.Add(baggage.OverLimit, new KeyValuePair<string, object?>("reason", "limit"));
        }
    }

    public void RecordAdmission(string tenant, bool admitted, string reason) => _admission.Add(
        1, new("tenant", tenant), new("outcome", admitted ? "admitted" : "rejected"), new("reason", reason));

    public void RecordHeaderError(string kind) => Interlocked.Increment(ref _headerErrors[HeaderErrorKinds.IndexOf(kind)]);

    public void RecordConnectionOpened(string cluster, string destination, TimeSpan connectTime)
    {
        var tags = new TagList { { "cluster", cluster }, { "destination", destination } };
        _connectionsOpened.Add(1, tags);
        _connectDuration.Record(connectTime.TotalSeconds, tags);
    }

    public void RecordConnectError(string cluster, string destination) =>
        _connectErrors.Add(1, new KeyValuePair<string, object?>("cluster", cluster), new KeyValuePair<string, object?>("destination", destination));

    public void RecordUpstreamFailure(string cluster, string destination, string kind) =>
        _upstreamFailures.Add(1, new("cluster", cluster), new("destination", destination), new("kind", kind));

    public void RecordRetry(string cluster, string failedDestination, string kind) =>
        _retries.Add(1, new("cluster", cluster), new("destination", failedDestination), new("kind", kind));

    public void RecordHealthEvent(string cluster, HealthEvent health)
    {
        switch (health.Kind)
        {
            case HealthEventKind.Ejected:
                _ejections.Add(1, new("cluster", cluster), new("destination", health.DestinationId), new("reason", health.Reason));
                break;
            case HealthEventKind.Recovered:
                _recoveries.Add(1, new KeyValuePair<string, object?>("cluster", cluster), new KeyValuePair<string, object?>("destination", health.DestinationId));
                break;
            case HealthEventKind.HeldBack:
                _holdBacks.Add(1, new KeyValuePair<string, object?>("cluster", cluster), new KeyValuePair<string, object?>("destination", health.DestinationId));
                break;
        }
    }

    private static IEnumerable<Measurement<int>> UnhealthyMeasurements(IProxyStateLookup proxyState)
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
                yield return new Measurement<int>(unhealthy ? 1 : 0, new("cluster", cluster.ClusterId), new("destination", destination.DestinationId));
            }
        }
    }

    private static IEnumerable<Measurement<int>> EjectedMeasurements(ClusterGateRegistry gates)
    {
        foreach (var gate in gates.All)
        {
            foreach (var (destinationId, _, _, ejected) in gate.Snapshot())
            {
                yield return new Measurement<int>(ejected ? 1 : 0, new("cluster", gate.ClusterId), new("destination", destinationId));
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
    private static IEnumerable<Measurement<double>> TenantMeasurements(TenantStateRegistry tenants, AdmissionOptions admission, TenantFigure figure)
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
                yield return new Measurement<double>(total, new KeyValuePair<string, object?>("tenant", group.Key));
            }
        }
    }

    private static IEnumerable<Measurement<int>> DestinationMeasurements(ClusterGateRegistry gates, bool limit)
    {
        foreach (var gate in gates.All)
        {
            foreach (var (destinationId, inFlight, destinationLimit, _) in gate.Snapshot())
            {
                var value = limit ? destinationLimit : inFlight;
                if (value is { } v)
                {
                    yield return new Measurement<int>(v, new("cluster", gate.ClusterId), new("destination", destinationId));
                }
            }
        }
    }
}
