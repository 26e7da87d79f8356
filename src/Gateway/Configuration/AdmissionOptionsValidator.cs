using Gateway.Context;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Checks <c>Gateway:Admission</c>; every failure names its key. Route metadata is checked with the rest of YARP's.</summary>
internal sealed class AdmissionOptionsValidator : IValidateOptions<GatewayOptions>
{
    private const string Section = GatewayOptions.SectionName + ":Admission";

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        var admission = options.Admission;
        foreach (var (tier, limits) in admission.Tiers)
        {
            Check($"{Section}:Tiers:{tier}", limits.RatePerSecond, limits.Burst, limits.MaxConcurrency, failures);
        }

        foreach (var (tenant, own) in admission.Tenants)
        {
            var key = $"{Section}:Tenants:{tenant}";
            if (!Names.IsValid(tenant))
            {
                failures.Add($"{key} is not a tenant name: use {Names.Rule}.");
            }

            if (!admission.Tiers.ContainsKey(own.Tier))
            {
                failures.Add($"{key}:Tier '{own.Tier}' is not a tier; known: {string.Join(", ", admission.Tiers.Keys.Order(StringComparer.Ordinal))}.");
            }

            Check(key, own.RatePerSecond, own.Burst, own.MaxConcurrency, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string key, double? rate, int? burst, int? concurrency, List<string> failures)
    {
        if (rate is { } r && !(r > 0 && double.IsFinite(r)))
        {
            failures.Add($"{key}:RatePerSecond must be above 0, got {r}.");
        }

        if (burst is < 1)
        {
            failures.Add($"{key}:Burst must be at least 1, got {burst}.");
        }

        if (concurrency is < 1)
        {
            failures.Add($"{key}:MaxConcurrency must be at least 1, got {concurrency}.");
        }
    }
}
