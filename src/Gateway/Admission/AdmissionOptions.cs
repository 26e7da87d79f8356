using Gateway.Admission.Redis;

namespace Gateway.Admission;

/// <summary>
/// The <c>Gateway:Admission</c> section: per-tenant limits on enqueue routes (routes whose metadata has
/// <c>Gateway.Enqueue: true</c>). Tiers set the limits; a tenant takes its tier's and may override each one. A tenant
/// not listed takes the <c>default</c> tier; a request with no tenant takes the <c>anonymous</c> tier. Changes apply
/// on the next request.
/// </summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Gateway:Admission";

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

    public const string DefaultClassName = "default";

    /// <summary>
    /// Priority classes by name, each with its rank and backlog SLO. <c>high</c> (priority 2, 5 s), <c>default</c>
    /// (1, 30 s) and <c>low</c> (0, 5 min) exist unless configured otherwise; configuring one changes its values.
    /// </summary>
    public IDictionary<string, PriorityClassOptions> Classes { get; set; } = new Dictionary<string, PriorityClassOptions>(StringComparer.Ordinal)
    {
        ["high"] = new() { Priority = 2, Slo = TimeSpan.FromSeconds(5) },
        [DefaultClassName] = new() { Priority = 1, Slo = TimeSpan.FromSeconds(30) },
        ["low"] = new() { Priority = 0, Slo = TimeSpan.FromMinutes(5) },
    };

    /// <summary>The class of a request whose route and headers name none. Default <c>default</c>; must be a class.</summary>
    public string DefaultClass { get; set; } = DefaultClassName;

    /// <summary>
    /// The request header that names a class (default <c>X-Priority-Class</c>); it overrides the route's
    /// <c>Gateway.PriorityClass</c>. Empty turns the header off. The header is passed on to the upstream.
    /// </summary>
    public string ClassHeader { get; set; } = "X-Priority-Class";

    public BackpressureOptions Backpressure { get; set; } = new();

    /// <summary>
    /// A tenant's admission state is dropped after this long without a request (default 10 min), once nothing of it
    /// is in flight and its bucket would be full again: a fresh state then behaves the same.
    /// </summary>
    public TimeSpan IdleTenantExpiry { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Buckets shared by every replica through Redis. Default off: each replica's buckets are its own.</summary>
    public AdmissionRedisOptions Redis { get; set; } = new();
}
