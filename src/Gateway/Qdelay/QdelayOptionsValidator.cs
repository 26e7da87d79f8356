using Microsoft.Extensions.Options;

namespace Gateway.Qdelay;

/// <summary>Checks the <c>Gateway:Qdelay</c> section; every failure names its configuration key.</summary>
internal sealed class QdelayOptionsValidator(IHostEnvironment environment) : IValidateOptions<QdelayOptions>
{
    public ValidateOptionsResult Validate(string? name, QdelayOptions options)
    {
        var failures = new List<string>();
        const string Section = QdelayOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.Claim))
        {
            failures.Add($"{Section}:Claim must name a claim.");
        }

        if (options.MaxMs < 0)
        {
            failures.Add($"{Section}:MaxMs must be 0 or more, got {options.MaxMs}.");
        }

        if (options.AllowDevelopmentHeader && !environment.IsDevelopment())
        {
            failures.Add($"{Section}:AllowDevelopmentHeader is only allowed in the Development environment; this is '{environment.EnvironmentName}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
