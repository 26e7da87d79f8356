namespace Gateway.Configuration;

/// <summary>
/// The <c>Gateway:Admission</c> section: per-tenant limits on enqueue routes (routes whose metadata has
/// <c>Gateway.Enqueue: true</c>). Tiers set the limits; a tenant takes its tier's and may override each one. A tenant
/// not listed takes the <c>default</c> tier; a request with no tenant takes the <c>anonymous</c> tier. Changes apply
/// on the next request.
/// </summary>
public sealed class AdmissionOptions
{
    public const string DefaultTier = "default";
    public const string AnonymousTier = "anonymous";

    /// <summary>
    /// Limits by tier name. <c>default</c> (50/s, burst 100, 50 in flight) and <c>anonymous</c> (5/s, burst 10, 5 in
    /// flight) always exist; configuring them changes the values given.
    /// </summary>
    public IDictionary<string, TenantLimitOptions> Tiers { get; set; } = new Dictionary<string, TenantLimitOptions>(StringComparer.Ordinal)
    {
        [DefaultTier] = new() { RatePerSecond = 50, Burst = 100, MaxConcurrency = 50 },
        [AnonymousTier] = new() { RatePerSecond = 5, Burst = 10, MaxConcurrency = 5 },
    };

    /// <summary>Tenants by name: their tier and any limit of their own. Default none.</summary>
    public IDictionary<string, TenantOptions> Tenants { get; set; } = new Dictionary<string, TenantOptions>(StringComparer.Ordinal);

    /// <summary>Buckets shared by every replica through Redis. Default off: each replica's buckets are its own.</summary>
    public AdmissionRedisOptions Redis { get; set; } = new();
}
