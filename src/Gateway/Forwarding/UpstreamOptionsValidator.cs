using Microsoft.Extensions.Options;

namespace Gateway.Forwarding;

/// <summary>Checks the <c>Gateway:Upstream</c> section; every failure names its configuration key.</summary>
internal sealed class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamOptions options)
    {
        var failures = new List<string>();
        const string Upstream = UpstreamOptions.SectionName;
        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Upstream}:ConnectTimeout must be positive, got {options.ConnectTimeout}.");
        }

        if (options.ActivityTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Upstream}:ActivityTimeout must be positive, got {options.ActivityTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
