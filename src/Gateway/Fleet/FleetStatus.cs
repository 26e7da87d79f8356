using System.Diagnostics.Metrics;
using Gateway.Metrics;

namespace Gateway.Fleet;

/// <summary>
/// Whether this replica decides with the fleet (shared mode) or alone (local mode), for <c>/healthz</c> and the
/// metrics: degraded from a failed or slow Redis call until the next heartbeat that succeeds. Its instruments are on
/// the gateway's meter and exist only when fleet mode is configured.
/// </summary>
internal sealed class FleetStatus : IFleetStoreMetrics
{
    public const string UnavailableReason = "fleet_redis_unavailable";

    private readonly Counter<long> _roundTrips;
    private readonly Histogram<double> _callDuration;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _grants;
    private readonly Counter<long> _slotsTaken;
    private readonly Counter<long> _reclaims;
    private Func<int> _reserve = static () => 0;
    private Func<int> _leases = static () => 0;
    private int _degraded;
    private int _replicas;

    public FleetStatus(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        meter.CreateObservableGauge(
            "gateway.fleet.degraded", () => Volatile.Read(ref _degraded), "{state}",
            "1 while this replica cannot reach the fleet's Redis and balances in local mode, else 0.");
        meter.CreateObservableGauge(
            "gateway.fleet.replicas", () => Volatile.Read(ref _replicas), "{replica}", "Live replicas in the fleet, as of the last heartbeat.");
        _roundTrips = meter.CreateCounter<long>("gateway.fleet.redis.round_trips", "{call}", "Calls to the fleet's Redis, by operation.");
        _callDuration = meter.CreateHistogram(
            "gateway.fleet.redis.duration",
            "s",
            "Calls to the fleet's Redis that it answered, from the call to its answer, by operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FleetCallBuckets });
        _fallbacks = meter.CreateCounter<long>("gateway.fleet.fallbacks", "{event}", "Switches from shared to local mode, by reason.");
        meter.CreateObservableGauge(
            "gateway.fleet.leases", () => _leases(), "{slot}",
            "Slots this replica holds in the fleet and renews: its requests in flight through fleet mode, and its reserve.");
        meter.CreateObservableGauge(
            "gateway.fleet.reserve", () => _reserve(), "{slot}", "Slots this replica holds in reserve now, over all clusters (Gateway:Fleet:Reserve per cluster at most).");
        _slotsTaken = meter.CreateCounter<long>(
            "gateway.fleet.slots_taken", "{slot}", "Slots this replica's requests took in shared mode, by where from (reserve: no Redis trip; redis: an acquire).");
        _reclaims = meter.CreateCounter<long>(
            "gateway.fleet.reclaims", "{slot}", "Reserved slots this replica gave back because a request had to wait in the fleet's queue.");
        _grants = meter.CreateCounter<long>(
            "gateway.fleet.grants", "{grant}", "Slots the fleet gave to this replica's waiting requests, by how the grant arrived (pubsub, heartbeat).");
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
            _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));
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

    public void RecordSlotTaken(string via) => _slotsTaken.Add(1, new KeyValuePair<string, object?>("via", via));

    public void RecordReclaim() => _reclaims.Add(1);

    public void RecordGrant(string via) => _grants.Add(1, new KeyValuePair<string, object?>("via", via));

    public void RecordCall(string operation, TimeSpan elapsed) =>
        _callDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    public void RecordRoundTrip(string operation) => _roundTrips.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
