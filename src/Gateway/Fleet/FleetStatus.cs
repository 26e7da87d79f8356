using Prometheus;

namespace Gateway.Fleet;

/// <summary>
/// Whether this replica decides with the fleet (shared mode) or alone (local mode), for <c>/healthz</c> and the
/// metrics: degraded from a failed or slow Redis call until the next heartbeat that succeeds. Its metrics are in the
/// gateway's registry and exist only when fleet mode is configured (it is created only then).
/// </summary>
internal sealed class FleetStatus : IFleetStoreMetrics
{
    public const string UnavailableReason = "fleet_redis_unavailable";

    private readonly Counter _roundTrips;
    private readonly Histogram _callDuration;
    private readonly Counter _fallbacks;
    private readonly Counter _grants;
    private readonly Counter _slotsTaken;
    private readonly Counter _reclaims;
    private Func<int> _reserve = static () => 0;
    private Func<int> _leases = static () => 0;
    private int _degraded;
    private int _replicas;

    public FleetStatus(IMetricFactory factory, CollectorRegistry registry)
    {
        var degraded = factory.CreateGauge(
            "gateway_fleet_degraded", "1 while this replica cannot reach the fleet's Redis and balances in local mode, else 0.");
        var replicas = factory.CreateGauge("gateway_fleet_replicas", "Live replicas in the fleet, as of the last heartbeat.");
        _roundTrips = factory.CreateCounter("gateway_fleet_redis_round_trips_total", "Calls to the fleet's Redis, by operation.", ["operation"]);
        _callDuration = factory.CreateHistogram(
            "gateway_fleet_redis_duration_seconds",
            "Calls to the fleet's Redis that it answered, from the call to its answer, by operation.",
            ["operation"],
            new HistogramConfiguration { Buckets = [.. FleetCallBuckets] });
        _fallbacks = factory.CreateCounter("gateway_fleet_fallbacks_total", "Switches from shared to local mode, by reason.", ["reason"]);
        var leases = factory.CreateGauge(
            "gateway_fleet_leases", "Slots this replica holds in the fleet and renews: its requests in flight through fleet mode, and its reserve.");
        var reserve = factory.CreateGauge(
            "gateway_fleet_reserve", "Slots this replica holds in reserve now, over all clusters (Gateway:Fleet:Reserve per cluster at most).");
        _slotsTaken = factory.CreateCounter(
            "gateway_fleet_slots_taken_total", "Slots this replica's requests took in shared mode, by where from (reserve: no Redis trip; redis: an acquire).", ["via"]);
        _reclaims = factory.CreateCounter(
            "gateway_fleet_reclaims_total", "Reserved slots this replica gave back because a request had to wait in the fleet's queue.");
        _grants = factory.CreateCounter(
            "gateway_fleet_grants_total", "Slots the fleet gave to this replica's waiting requests, by how the grant arrived (pubsub, heartbeat).", ["via"]);
        registry.AddBeforeCollectCallback(() =>
        {
            degraded.Set(Volatile.Read(ref _degraded));
            replicas.Set(Volatile.Read(ref _replicas));
            leases.Set(_leases());
            reserve.Set(_reserve());
        });
    }

    /// <summary>
    /// Finer than the request buckets at the low end, where Redis answers (0.1 ms on an idle loopback), up to the
    /// longest call timeout one would set.
    /// </summary>
    public static IReadOnlyList<double> FleetCallBuckets { get; } =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    public bool Degraded => Volatile.Read(ref _degraded) == 1;

    public int Replicas => Volatile.Read(ref _replicas);

    /// <summary>Records a failure; true when this one switched the replica from shared to local mode.</summary>
    public bool MarkFailed(string reason)
    {
        if (Interlocked.Exchange(ref _degraded, 1) == 0)
        {
            _fallbacks.WithLabels(reason).Inc();
            return true;
        }

        return false;
    }

    /// <summary>Records a successful heartbeat; true when it ended a spell in local mode.</summary>
    public bool MarkHealthy(int replicas)
    {
        Volatile.Write(ref _replicas, replicas);
        return Volatile.Read(ref _degraded) == 1 && Interlocked.Exchange(ref _degraded, 0) == 1;
    }

    /// <summary>Where the reserve and lease gauges read from (the coordinator's pools and leases).</summary>
    public void Observe(Func<int> reserve, Func<int> leases) => (_reserve, _leases) = (reserve, leases);

    public void RecordSlotTaken(string via) => _slotsTaken.WithLabels(via).Inc();

    public void RecordReclaim() => _reclaims.Inc();

    public void RecordGrant(string via) => _grants.WithLabels(via).Inc();

    public void RecordCall(string operation, TimeSpan elapsed) => _callDuration.WithLabels(operation).Observe(elapsed.TotalSeconds);

    public void RecordRoundTrip(string operation) => _roundTrips.WithLabels(operation).Inc();
}
