using Gateway.Admission.Redis;
using Gateway.Authentication;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Admission;

/// <summary>Checks <c>Gateway:Admission</c>; every failure names its key. Route metadata is checked with the rest of YARP's.</summary>
internal sealed class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>
{
    private const string Section = AdmissionOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, AdmissionOptions options)
    {
        var failures = new List<string>();
        var admission = options;
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

        CheckRedis(admission.Redis, failures);
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

    private static void CheckRedis(AdmissionRedisOptions redis, List<string> failures)
    {
        const string Key = Section + ":Redis";
        if (redis.Enabled)
        {
            try
            {
                if (ConfigurationOptions.Parse(redis.Configuration).EndPoints.Count == 0)
                {
                    failures.Add($"{Key}:Configuration names no endpoint, e.g. 127.0.0.1:6379.");
                }
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{Key}:Configuration is not a StackExchange.Redis connection string: {ex.Message}");
            }

            if (string.IsNullOrWhiteSpace(redis.KeyPrefix))
            {
                failures.Add($"{Key}:KeyPrefix must not be empty when Redis is configured.");
            }
        }

        if (!Enum.IsDefined(redis.FailureMode))
        {
            failures.Add($"{Key}:FailureMode must be Open or Closed, got {redis.FailureMode}.");
        }

        if (redis.Replicas is < 1 or > 10_000)
        {
            failures.Add($"{Key}:Replicas must be between 1 and 10000, got {redis.Replicas}.");
        }

        // Polly's own ranges: a timeout of 10 ms to a day, a break of 0.5 s to a day.
        if (redis.Timeout < TimeSpan.FromMilliseconds(10) || redis.Timeout > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{Key}:Timeout must be between 00:00:00.010 and 00:00:10, got {redis.Timeout}.");
        }

        if (redis.BreakDuration < TimeSpan.FromMilliseconds(500) || redis.BreakDuration > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Key}:BreakDuration must be between 00:00:00.500 and 00:10:00, got {redis.BreakDuration}.");
        }

        if (redis.MaxBatch is < 1 or > 10_000)
        {
            failures.Add($"{Key}:MaxBatch must be between 1 and 10000, got {redis.MaxBatch}.");
        }

        if (redis.BatchWindow <= TimeSpan.Zero || redis.BatchWindow > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{Key}:BatchWindow must be above 0 and at most 00:00:10, got {redis.BatchWindow}.");
        }

        if (redis.ReserveLifetime <= TimeSpan.Zero || redis.ReserveLifetime > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Key}:ReserveLifetime must be above 0 and at most 00:01:00, got {redis.ReserveLifetime}.");
        }
    }
}
