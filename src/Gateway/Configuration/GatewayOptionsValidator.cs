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

        ValidateHealth(options, failures);

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

    private static void ValidateHealth(GatewayOptions options, List<string> failures)
    {
        const string Health = GatewayOptions.SectionName + ":Health";
        var health = options.Health;
        if (health.ConsecutiveFailures < 1)
        {
            failures.Add($"{Health}:ConsecutiveFailures must be at least 1, got {health.ConsecutiveFailures}.");
        }

        if (!(health.FailureRatio is > 0 and <= 1))
        {
            failures.Add($"{Health}:FailureRatio must be more than 0 and at most 1, got {health.FailureRatio}.");
        }

        if (health.FailureRatioMinRequests < 1)
        {
            failures.Add($"{Health}:FailureRatioMinRequests must be at least 1, got {health.FailureRatioMinRequests}.");
        }

        if (health.FailureWindow <= TimeSpan.Zero)
        {
            failures.Add($"{Health}:FailureWindow must be positive, got {health.FailureWindow}.");
        }

        if (health.ReactivationPeriod <= TimeSpan.Zero)
        {
            failures.Add($"{Health}:ReactivationPeriod must be positive, got {health.ReactivationPeriod}.");
        }

        if (health.MaxEjectedPercent is < 0 or > 100)
        {
            failures.Add($"{Health}:MaxEjectedPercent must be between 0 and 100, got {health.MaxEjectedPercent}.");
        }

        if (health.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add($"{Health}:MaxRetryAfter must be 0 or more, got {health.MaxRetryAfter}.");
        }

        const string Retry = GatewayOptions.SectionName + ":Retry";
        if (options.Retry.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{Retry}:MaxRetries must be between 0 and 10, got {options.Retry.MaxRetries}.");
        }

        for (var i = 0; i < options.Retry.IdempotentMethods.Count; i++)
        {
            var method = options.Retry.IdempotentMethods[i];
            if (string.IsNullOrWhiteSpace(method) || !method.All(char.IsAsciiLetter))
            {
                failures.Add($"{Retry}:IdempotentMethods:{i} must be an HTTP method such as GET, got '{method}'.");
            }
        }

        const string Upstream = GatewayOptions.SectionName + ":Upstream";
        if (options.Upstream.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Upstream}:ConnectTimeout must be positive, got {options.Upstream.ConnectTimeout}.");
        }

        if (options.Upstream.ActivityTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Upstream}:ActivityTimeout must be positive, got {options.Upstream.ActivityTimeout}.");
        }
    }
}
