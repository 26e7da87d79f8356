using ServiceTimes;
using Microsoft.Extensions.Options;

namespace DemoUpstream;

internal sealed class DemoUpstreamOptionsValidator : IValidateOptions<DemoUpstreamOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoUpstreamOptions options)
    {
        var failures = new List<string>();
        if (options.Slots < 1)
        {
            failures.Add($"{DemoUpstreamOptions.SectionName}:Slots must be at least 1, got {options.Slots}.");
        }

        if (!ServiceTimeSpec.TryParse(options.ServiceTime, out _, out var error))
        {
            failures.Add($"{DemoUpstreamOptions.SectionName}:ServiceTime {error}.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add($"{DemoUpstreamOptions.SectionName}:ServiceName must not be empty.");
        }

        if (options.CloseConnectionEvery < 0)
        {
            failures.Add($"{DemoUpstreamOptions.SectionName}:CloseConnectionEvery must be 0 (never) or more, got {options.CloseConnectionEvery}.");
        }

        if (options.OtlpEndpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{DemoUpstreamOptions.SectionName}:OtlpEndpoint must be an absolute http or https address, got '{endpoint}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
