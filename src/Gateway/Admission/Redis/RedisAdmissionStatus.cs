using System.Diagnostics.Metrics;
using Gateway.Metrics;

namespace Gateway.Admission.Redis;

/// <summary>
/// Whether the shared buckets are reachable, for <c>/healthz</c> and the metrics: degraded from a failed Redis call
/// until the next one that succeeds. Its instruments are on the gateway's meter and exist only when Redis is configured.
/// </summary>
internal sealed class RedisAdmissionStatus
{
    public const string UnavailableReason = "admission_redis_unavailable";

    private readonly long[] _errors = new long[RedisErrorKinds.All.Count];
    private long _roundTrips;
    private int _degraded;

    public RedisAdmissionStatus(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        meter.CreateObservableGauge(
            "gateway.admission.redis.degraded", () => Volatile.Read(ref _degraded), "{state}",
            "1 while the shared (Redis) tenant buckets cannot be reached and admission fails open or closed, else 0.");
        meter.CreateObservableCounter("gateway.admission.redis.errors", () => RedisErrorKinds.All.Select(
            (kind, i) => new Measurement<long>(Interlocked.Read(ref _errors[i]), new KeyValuePair<string, object?>("kind", kind))),
            "{call}", "Failed or skipped Redis calls of the admission step, by kind.");
        meter.CreateObservableCounter(
            "gateway.admission.redis.round_trips", () => Interlocked.Read(ref _roundTrips), "{call}", "Commands sent to Redis by the admission step.");
    }

    public bool Degraded => Volatile.Read(ref _degraded) == 1;

    /// <summary>Records a failure; true when this one turned the state from healthy to degraded.</summary>
    public bool MarkFailed(string kind)
    {
        Interlocked.Increment(ref _errors[RedisErrorKinds.IndexOf(kind)]);
        return Interlocked.Exchange(ref _degraded, 1) == 0;
    }

    /// <summary>Records a success; true when this one ended a degraded spell.</summary>
    public bool MarkHealthy() => Volatile.Read(ref _degraded) == 1 && Interlocked.Exchange(ref _degraded, 0) == 1;

    public void RecordRoundTrip() => Interlocked.Increment(ref _roundTrips);

    public long RoundTrips => Interlocked.Read(ref _roundTrips);
}
