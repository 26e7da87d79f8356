using Gateway.Admission.Redis;
using Gateway.Fleet;

namespace Gateway.Health;

/// <summary>Registers <c>/healthz</c>'s checks, one per dependency, in the order the response lists them.</summary>
internal static class HealthServiceCollectionExtensions
{
    public static IHealthChecksBuilder AddGatewayHealth(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<DestinationsHealthCheck>(DestinationsHealthCheck.Name)
            .AddCheck<FleetHealthCheck>(FleetHealthCheck.Name)
            .AddCheck<AdmissionRedisHealthCheck>(AdmissionRedisHealthCheck.Name);
}
