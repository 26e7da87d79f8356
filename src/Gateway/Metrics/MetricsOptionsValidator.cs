using Microsoft.Extensions.Options;

namespace Gateway.Metrics;

/// <summary>Checks the <c>Gateway:Metrics</c> section; every failure names its configuration key.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        const string Metrics = MetricsOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.Path) || !options.Path.StartsWith('/'))
        {
            failures.Add($"{Metrics}:Path must start with '/', got '{options.Path}'.");
        }

        if (options.MaxSeriesPerMetric < 1)
        {
            failures.Add($"{Metrics}:MaxSeriesPerMetric must be at least 1, got {options.MaxSeriesPerMetric}.");
        }

        if (options.AdditionalMeters.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{Metrics}:AdditionalMeters must not contain empty names.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
