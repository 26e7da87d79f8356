using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Turns start-up failures caused by configuration into one readable line, without a stack trace.</summary>
public static partial class StartupErrors
{
    private const string BindingFailed = "'ErrorOnUnknownConfiguration' was set and binding has failed";

    /// <summary>Describes <paramref name="exception"/> if configuration caused it.</summary>
    public static bool TryDescribe(Exception exception, [NotNullWhen(true)] out string? message) => TryDescribe(exception, null, out message);

    /// <summary>
    /// Describes <paramref name="exception"/> if configuration caused it. With <paramref name="configuration"/>, an unknown
    /// key inside a dictionary entry (a tier, tenant or class) is named with its entry, e.g.
    /// <c>Gateway:Admission:Tiers:anonymous:Rate</c>.
    /// </summary>
    public static bool TryDescribe(Exception exception, IConfiguration? configuration, [NotNullWhen(true)] out string? message)
    {
        // The binder wraps what went wrong inside a dictionary entry in a general error that names nothing.
        if (exception is InvalidOperationException { InnerException: { } cause } && exception.Message.StartsWith(BindingFailed, StringComparison.Ordinal))
        {
            return TryDescribe(cause, configuration, out message);
        }

        message = exception switch
        {
            OptionsValidationException e => "invalid configuration: " + string.Join(" ", e.Failures),
            FileNotFoundException e => e.Message,
            ArgumentException e => e.Message,

            InvalidOperationException e when UnknownKeys(e.Message, configuration) is { } keys =>
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
    // Gateway.LoadBalancing.QueueOptions: 'MaxLenght'"); users know them by their configuration path. A dictionary
    // entry's class has a path with '*' for the entry's name, found in the configuration when it is at hand.
    private static string? UnknownKeys(string message, IConfiguration? configuration)
    {
        var match = UnknownKeyPattern().Match(message);
        if (!match.Success || !GatewayOptions.SectionPaths.TryGetValue(match.Groups["type"].Value, out var section))
        {
            return null;
        }

        var properties = match.Groups["properties"].Value.Split(',', StringSplitOptions.TrimEntries).Select(p => p.Trim('\''));
        return string.Join(", ", properties.SelectMany(p => Paths(section, p, configuration)));
    }

    private static IEnumerable<string> Paths(string section, string property, IConfiguration? configuration)
    {
        if (!section.EndsWith(":*", StringComparison.Ordinal))
        {
            return [$"{section}:{property}"];
        }

        var parent = section[..^2];
        var entries = configuration?.GetSection(parent).GetChildren().Where(e => e[property] is not null || e.GetSection(property).GetChildren().Any())
            .Select(e => $"{e.Path}:{property}").ToList();
        return entries is { Count: > 0 } ? entries : [$"{parent}:<name>:{property}"];
    }

    [GeneratedRegex(@"ErrorOnUnknownConfiguration.*instance of (?<type>[\w.]+): (?<properties>.+)$", RegexOptions.Singleline)]
    private static partial Regex UnknownKeyPattern();
}
