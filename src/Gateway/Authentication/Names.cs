namespace Gateway.Authentication;

/// <summary>
/// The one rule for tenant and service names: safe in headers, baggage keys, metric labels and file names alike.
/// </summary>
internal static class Names
{
    public const string Rule = "1-64 of A-Z, a-z, 0-9, '_', '.', '-'";

    public static bool IsValid(string? name) =>
        name is { Length: >= 1 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
