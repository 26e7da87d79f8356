using DemoUpstream.ServiceTime;
using Microsoft.Extensions.Options;

namespace DemoUpstream;

/// <summary>Settings from the <c>DemoUpstream</c> configuration section.</summary>
public sealed class DemoUpstreamOptions
{
    public const string SectionName = "DemoUpstream";

    /// <summary>Worker slots; requests beyond them wait in an unbounded local FIFO. Default 12.</summary>
    public int Slots { get; set; } = 12;

    /// <summary>Service-time spec, e.g. <c>exp:mean=20ms</c>. Default <c>exp:mean=20ms</c>.</summary>
    public string ServiceTime { get; set; } = "exp:mean=20ms";

    /// <summary>This service's name: reported in responses and used for per-service qdelay overrides. Default <c>demo</c>.</summary>
    public string ServiceName { get; set; } = "demo";

    /// <summary>Seed for service-time sampling; unset means a random seed.</summary>
    public int? Seed { get; set; }
}

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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
