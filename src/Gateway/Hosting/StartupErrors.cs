using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>Turns start-up failures caused by configuration into one readable line, without a stack trace.</summary>
public static partial class StartupErrors
{
    public static bool TryDescribe(Exception exception, [NotNullWhen(true)] out string? message)
    {
        message = exception switch
        {
            OptionsValidationException e => "invalid configuration: " + string.Join(" ", e.Failures),
            FileNotFoundException e => e.Message,
            ArgumentException e => e.Message,

            InvalidOperationException e when UnknownKeys(e.Message) is { } keys =>
                $"invalid configuration: unknown key{(keys.Contains(',', StringComparison.Ordinal) ? "s" : "")} {keys}; see the README's Configuration section for the keys there are.",

            // YARP's own config validation, and the binder's errors, which name the key.
            InvalidOperationException e when e.InnerException is AggregateException inner =>
                "invalid proxy configuration: " + string.Join(" ", inner.InnerExceptions.Select(x => x.Message)),
            InvalidOperationException e when e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase) =>
                "invalid configuration: " + e.Message,
            _ => null,
        };
        return message is not null;
    }

    // The binder reports unknown keys by options class and property ("…on the instance of
    // Gateway.Configuration.QueueOptions: 'MaxLenght'"); users know them by their configuration path.
    private static string? UnknownKeys(string message)
    {
        var match = UnknownKeyPattern().Match(message);
        if (!match.Success || !GatewayOptions.SectionPaths.TryGetValue(match.Groups["type"].Value, out var section))
        {
            return null;
        }

        var properties = match.Groups["properties"].Value.Split(',', StringSplitOptions.TrimEntries).Select(p => p.Trim('\''));
        return string.Join(", ", properties.Select(p => $"{section}:{p}"));
    }

    [GeneratedRegex(@"ErrorOnUnknownConfiguration.*instance of (?<type>[\w.]+): (?<properties>.+)$", RegexOptions.Singleline)]
    private static partial Regex UnknownKeyPattern();
}
