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

        foreach (var (className, klass) in admission.Classes)
        {
            var key = $"{Section}:Classes:{className}";
            if (!Names.IsValid(className))
            {
                failures.Add($"{key} is not a class name: use {Names.Rule}.");
            }

            if (klass.Slo <= TimeSpan.Zero)
            {
                failures.Add($"{key}:Slo must be a positive TimeSpan such as 00:00:30, got {klass.Slo}.");
            }
        }

        if (!admission.Classes.ContainsKey(admission.DefaultClass))
        {
            failures.Add($"{Section}:DefaultClass '{admission.DefaultClass}' is not a class; known: {string.Join(", ", admission.Classes.Keys.Order(StringComparer.Ordinal))}.");
        }

        if (admission.ClassHeader.Length > 0 && !Names.IsValid(admission.ClassHeader))
        {
            failures.Add($"{Section}:ClassHeader '{admission.ClassHeader}' is not a header name: use {Names.Rule}, or empty to turn it off.");
        }

        var backpressure = admission.Backpressure;
        if (!(backpressure.MinRateFraction is > 0 and <= 1))
        {
            failures.Add($"{Section}:Backpressure:MinRateFraction must be above 0 and at most 1, got {backpressure.MinRateFraction}.");
        }

        if (backpressure.ReportTtl <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:Backpressure:ReportTtl must be a positive TimeSpan, got {backpressure.ReportTtl}.");
        }

        if (backpressure.ShedInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:Backpressure:ShedInterval must be a positive TimeSpan, got {backpressure.ShedInterval}.");
        }

        if (!(backpressure.RecoverBelow is > 0 and <= 1))
        {
            failures.Add($"{Section}:Backpressure:RecoverBelow must be above 0 and at most 1, got {backpressure.RecoverBelow}.");
        }

        if (admission.IdleTenantExpiry <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:IdleTenantExpiry must be a positive TimeSpan, got {admission.IdleTenantExpiry}.");
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
