using Gateway.Admission.Redis;
using Gateway.Metrics;
using Microsoft.Extensions.Options;

namespace Gateway.Admission;

/// <summary>
/// Registers tenant admission: the checks of <c>Gateway:Admission</c>, per-tenant state, where the token buckets live
/// (memory or Redis), and the metrics.
/// </summary>
internal static class AdmissionServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayAdmission(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<AdmissionOptions>, AdmissionOptionsValidator>();
        services.AddSingleton<TenantStateRegistry>();
        services.AddSingleton<ClassShedding>();

        // Chosen once, at start-up: moving buckets between memory and Redis needs a restart.
        services.AddSingleton<ITenantBuckets>(sp => RedisEnabled(sp)
            ? ActivatorUtilities.CreateInstance<RedisTenantBuckets>(sp, sp.GetRequiredService<RedisAdmissionStatus>())
            : ActivatorUtilities.CreateInstance<LocalTenantBuckets>(sp));
        services.AddSingleton<RedisAdmissionStatus>();
        services.AddFeatureMetrics<AdmissionMetrics>();
        return services;
    }

    /// <summary>The shared buckets' state, or <c>null</c> when buckets are local.</summary>
    public static RedisAdmissionStatus? RedisStatus(this IServiceProvider services) =>
        RedisEnabled(services) ? services.GetRequiredService<RedisAdmissionStatus>() : null;

    private static bool RedisEnabled(IServiceProvider services) =>
        services.GetRequiredService<IOptions<AdmissionOptions>>().Value.Redis.Enabled;
}
