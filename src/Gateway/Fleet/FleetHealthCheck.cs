using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Fleet;

/// <summary>
/// <c>/healthz</c>'s <c>fleet</c> check: degraded (still 200) while fleet mode's Redis cannot be reached and this replica
/// balances on its own share of each limit. Healthy, and says so, when fleet mode is off.
/// </summary>
internal sealed class FleetHealthCheck(FleetCoordinator coordinator, FleetStatus status) : IHealthCheck
{
    public const string Name = "fleet";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !coordinator.Enabled ? HealthCheckResult.Healthy("fleet mode off")
            : status.Degraded ? HealthCheckResult.Degraded(FleetStatus.UnavailableReason, data: new Dictionary<string, object> { ["mode"] = "local" })
            : HealthCheckResult.Healthy("shared", new Dictionary<string, object> { ["replicas"] = status.Replicas }));
}
