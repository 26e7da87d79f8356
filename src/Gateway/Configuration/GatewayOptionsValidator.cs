using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Checks the <c>Gateway</c> section; every failure names its configuration key.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        const string Queue = GatewayOptions.SectionName + ":Queue";
        const string Lb = GatewayOptions.SectionName + ":LoadBalancing";

        if (options.Queue.MaxLength < 0)
        {
            failures.Add($"{Queue}:MaxLength must be 0 or more, got {options.Queue.MaxLength}.");
        }

        if (options.Queue.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{Queue}:Timeout must be positive, got {options.Queue.Timeout}.");
        }

        if (options.Queue.RetryAfterSeconds < 0)
        {
            failures.Add($"{Queue}:RetryAfterSeconds must be 0 or more, got {options.Queue.RetryAfterSeconds}.");
        }

        if (options.LoadBalancing.DefaultConcurrencyLimit is <= 0)
        {
            failures.Add($"{Lb}:DefaultConcurrencyLimit must be at least 1 when set, got {options.LoadBalancing.DefaultConcurrencyLimit}.");
        }

        if (options.LoadBalancing.LoadReportTtl <= TimeSpan.Zero)
        {
            failures.Add($"{Lb}:LoadReportTtl must be positive, got {options.LoadBalancing.LoadReportTtl}.");
        }

        if (options.LoadBalancing.BacklogReportTtl <= TimeSpan.Zero)
        {
            failures.Add($"{Lb}:BacklogReportTtl must be positive, got {options.LoadBalancing.BacklogReportTtl}.");
        }

        const string Metrics = GatewayOptions.SectionName + ":Metrics";
        if (string.IsNullOrWhiteSpace(options.Metrics.Path) || !options.Metrics.Path.StartsWith('/'))
        {
            failures.Add($"{Metrics}:Path must start with '/', got '{options.Metrics.Path}'.");
        }

        if (options.Metrics.MaxSeriesPerMetric < 1)
        {
            failures.Add($"{Metrics}:MaxSeriesPerMetric must be at least 1, got {options.Metrics.MaxSeriesPerMetric}.");
        }

        if (options.Metrics.AdditionalMeters.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{Metrics}:AdditionalMeters must not contain empty names.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
