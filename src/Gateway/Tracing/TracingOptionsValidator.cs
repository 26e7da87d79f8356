using Microsoft.Extensions.Options;

namespace Gateway.Tracing;

/// <summary>Checks the <c>Gateway:Tracing</c> section; every failure names its configuration key.</summary>
internal sealed class TracingOptionsValidator : IValidateOptions<TracingOptions>
{
    public ValidateOptionsResult Validate(string? name, TracingOptions options)
    {
        var failures = new List<string>();
        const string Section = TracingOptions.SectionName;
        if (options.OtlpEndpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{Section}:OtlpEndpoint must be an absolute http or https address, got '{endpoint}'.");
        }

        if (options.SampleRatio is < 0 or > 1 || double.IsNaN(options.SampleRatio))
        {
            failures.Add($"{Section}:SampleRatio must be between 0 and 1, got {options.SampleRatio}.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add($"{Section}:ServiceName must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
