using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>Turns start-up failures caused by configuration into one readable line, without a stack trace.</summary>
public static class StartupErrors
{
    public static bool TryDescribe(Exception exception, [NotNullWhen(true)] out string? message)
    {
        message = exception switch
        {
            OptionsValidationException e => "invalid configuration: " + string.Join(" ", e.Failures),
            FileNotFoundException e => e.Message,
            ArgumentException e => e.Message,

            // YARP's own config validation, and the binder's errors, which name the key.
            InvalidOperationException e when e.InnerException is AggregateException inner =>
                "invalid proxy configuration: " + string.Join(" ", inner.InnerExceptions.Select(x => x.Message)),
            InvalidOperationException e when e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase) =>
                "invalid configuration: " + e.Message,
            _ => null,
        };
        return message is not null;
    }
}
