using Microsoft.Extensions.Options;

namespace Gateway.LoadBalancing;

/// <summary>
/// Checks the sections the gates read: <c>Gateway:Queue</c>, <c>Gateway:LoadBalancing</c>, <c>Gateway:Health</c> and
/// <c>Gateway:Retry</c>; every failure names its configuration key. Cluster metadata is checked with the rest of YARP's.
/// </summary>
internal sealed class LoadBalancingOptionsValidator :
    IValidateOptions<QueueOptions>, IValidateOptions<LoadBalancingOptions>, IValidateOptions<HealthOptions>, IValidateOptions<RetryOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        var failures = new List<string>();
        const string Queue = QueueOptions.SectionName;
        if (options.MaxLength < 0)
        {
            failures.Add($"{Queue}:MaxLength must be 0 or more, got {options.MaxLength}.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{Queue}:Timeout must be positive, got {options.Timeout}.");
        }

        if (options.RetryAfterSeconds < 0)
        {
            failures.Add($"{Queue}:RetryAfterSeconds must be 0 or more, got {options.RetryAfterSeconds}.");
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, LoadBalancingOptions options)
    {
        var failures = new List<string>();
        const string Lb = LoadBalancingOptions.SectionName;
        if (options.DefaultConcurrencyLimit is <= 0)
        {
            failures.Add($"{Lb}:DefaultConcurrencyLimit must be at least 1 when set, got {options.DefaultConcurrencyLimit}.");
        }

        if (options.LoadReportTtl <= TimeSpan.Zero)
        {
            failures.Add($"{Lb}:LoadReportTtl must be positive, got {options.LoadReportTtl}.");
        }

        if (options.BacklogReportTtl <= TimeSpan.Zero)
        {
            failures.Add($"{Lb}:BacklogReportTtl must be positive, got {options.BacklogReportTtl}.");
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        var failures = new List<string>();
        const string Health = HealthOptions.SectionName;
        if (options.ConsecutiveFailures < 1)
        {
            failures.Add($"{Health}:ConsecutiveFailures must be at least 1, got {options.ConsecutiveFailures}.");
        }

        if (!(options.FailureRatio is > 0 and <= 1))
        {
            failures.Add($"{Health}:FailureRatio must be more than 0 and at most 1, got {options.FailureRatio}.");
        }

        if (options.FailureRatioMinRequests < 1)
        {
            failures.Add($"{Health}:FailureRatioMinRequests must be at least 1, got {options.FailureRatioMinRequests}.");
        }

        if (options.FailureWindow <= TimeSpan.Zero)
        {
            failures.Add($"{Health}:FailureWindow must be positive, got {options.FailureWindow}.");
        }

        if (options.ReactivationPeriod <= TimeSpan.Zero)
        {
            failures.Add($"{Health}:ReactivationPeriod must be positive, got {options.ReactivationPeriod}.");
        }

        if (options.MaxEjectedPercent is < 0 or > 100)
        {
            failures.Add($"{Health}:MaxEjectedPercent must be between 0 and 100, got {options.MaxEjectedPercent}.");
        }

        if (options.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add($"{Health}:MaxRetryAfter must be 0 or more, got {options.MaxRetryAfter}.");
        }

        return Result(failures);
    }

    public ValidateOptionsResult Validate(string? name, RetryOptions options)
    {
        var failures = new List<string>();
        const string Retry = RetryOptions.SectionName;
        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{Retry}:MaxRetries must be between 0 and 10, got {options.MaxRetries}.");
        }

        for (var i = 0; i < options.IdempotentMethods.Count; i++)
        {
            var method = options.IdempotentMethods[i];
            if (string.IsNullOrWhiteSpace(method) || !method.All(char.IsAsciiLetter))
            {
                failures.Add($"{Retry}:IdempotentMethods:{i} must be an HTTP method such as GET, got '{method}'.");
            }
        }

        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
