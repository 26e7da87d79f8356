using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// Checks the <c>Gateway</c> section as a whole: each feature's section with the validators its feature registered
/// (<see cref="IValidateOptions{TOptions}"/> of the section's class), in this order. Every failure names its key.
/// </summary>
internal sealed class GatewayOptionsValidator(IServiceProvider services) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        Check(options.Queue);
        Check(options.LoadBalancing);
        Check(options.Health);
        Check(options.Retry);
        Check(options.Upstream);
        Check(options.Timing);
        Check(options.Metrics);
        Check(options.Authentication);
        Check(options.Qdelay);
        Check(options.Tracing);
        Check(options.Admission);
        Check(options.Fleet);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check<TSection>(TSection section)
            where TSection : class
        {
            foreach (var validator in services.GetServices<IValidateOptions<TSection>>())
            {
                if (validator.Validate(name, section) is { Failed: true, Failures: { } sectionFailures })
                {
                    failures.AddRange(sectionFailures);
                }
            }
        }
    }
}
