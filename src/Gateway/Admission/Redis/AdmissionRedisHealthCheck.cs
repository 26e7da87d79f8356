using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Gateway.Admission.Redis;

/// <summary>
/// <c>/healthz</c>'s <c>admission_redis</c> check: degraded (still 200) while the shared tenant buckets cannot be reached;
/// the replica then admits on its local share, or answers 503 on enqueue routes when failing closed. Healthy, and says
/// so, when the buckets are not shared.
/// </summary>
internal sealed class AdmissionRedisHealthCheck(IServiceProvider services, IOptions<AdmissionOptions> options) : IHealthCheck
{
    public const string Name = "admission_redis";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            services.RedisStatus() is not { } status ? HealthCheckResult.Healthy("shared tenant buckets off")
            : status.Degraded ? HealthCheckResult.Degraded(
                RedisAdmissionStatus.UnavailableReason,
                data: new Dictionary<string, object> { ["failureMode"] = options.Value.Redis.FailureMode.ToString() })
            : HealthCheckResult.Healthy("shared"));
}
