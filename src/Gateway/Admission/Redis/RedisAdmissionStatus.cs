using Prometheus;

namespace Gateway.Admission.Redis;

/// <summary>
/// Whether the shared buckets are reachable, for <c>/healthz</c> and the metrics: degraded from a failed Redis call
/// until the next one that succeeds. Its metrics are in the gateway's registry and exist only when Redis is configured.
/// </summary>
internal sealed class RedisAdmissionStatus
{
    public const string UnavailableReason = "admission_redis_unavailable";

    private readonly Counter.Child[] _errors;
    private readonly Counter _roundTrips;
    private int _degraded;

    public RedisAdmissionStatus(IMetricFactory factory, CollectorRegistry registry)
    {
        var degraded = factory.CreateGauge(
            "gateway_admission_redis_degraded", "1 while the shared (Redis) tenant buckets cannot be reached and admission fails open or closed, else 0.");
        var errors = factory.CreateCounter("gateway_admission_redis_errors_total", "Failed or skipped Redis calls of the admission step, by kind.", ["kind"]);
        _errors = [.. RedisErrorKinds.All.Select(kind => errors.WithLabels(kind))];
        _roundTrips = factory.CreateCounter("gateway_admission_redis_round_trips_total", "Commands sent to Redis by the admission step.");
        registry.AddBeforeCollectCallback(() => degraded.Set(Volatile.Read(ref _degraded)));
    }

    public bool Degraded => Volatile.Read(ref _degraded) == 1;

    /// <summary>Records a failure; true when this one turned the state from healthy to degraded.</summary>
    public bool MarkFailed(string kind)
    {
        _errors[RedisErrorKinds.IndexOf(kind)].Inc();
        return Interlocked.Exchange(ref _degraded, 1) == 0;
    }

    /// <summary>Records a success; true when this one ended a degraded spell.</summary>
    public bool MarkHealthy() => Volatile.Read(ref _degraded) == 1 && Interlocked.Exchange(ref _degraded, 0) == 1;

    public void RecordRoundTrip() => _roundTrips.Inc();

    public long RoundTrips => (long)_roundTrips.Value;
}
