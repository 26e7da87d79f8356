namespace Gateway.Admission;

/// <summary>The limits in force for one tenant, resolved from its tier and its own overrides.</summary>
internal readonly record struct TenantLimits(double RatePerSecond, int Burst, int MaxConcurrency)
{
    /// <summary>
    /// The tenant's limits: a listed tenant takes its tier's, overridden by its own; an unlisted one the
    /// <c>default</c> tier's; no tenant at all the <c>anonymous</c> tier's.
    /// </summary>
    public static TenantLimits Resolve(AdmissionOptions options, string? tenant)
    {
        if (tenant is null)
        {
            return Of(options.Tiers[AdmissionOptions.AnonymousTier]);
        }

        if (!options.Tenants.TryGetValue(tenant, out var own))
        {
            return Of(options.Tiers[AdmissionOptions.DefaultTier]);
        }

        var tier = options.Tiers[own.Tier];
        return new TenantLimits(own.RatePerSecond ?? tier.RatePerSecond, own.Burst ?? tier.Burst, own.MaxConcurrency ?? tier.MaxConcurrency);
    }

    private static TenantLimits Of(TenantLimitOptions tier) => new(tier.RatePerSecond, tier.Burst, tier.MaxConcurrency);
}
