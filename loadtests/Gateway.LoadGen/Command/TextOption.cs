using System.CommandLine;

namespace Gateway.LoadGen;

/// <summary>
/// An option kept as the user types it, so <c>--help</c> shows its default in the same spelling (<c>60s</c>, not
/// <c>00:01:00</c>), and converted by a function that throws <see cref="ArgumentException"/> naming the option: the
/// same function checks the value at parse time, where its message becomes the parse error.
/// </summary>
public sealed class TextOption<T>
{
    private readonly Func<string, T> _convert;

    public TextOption(string name, string description, string? defaultText, Func<string, T> convert)
    {
        _convert = convert;
        Option = new Option<string>(name) { Description = description, HelpName = HelpNameOf(name) };
        if (defaultText is not null)
        {
            Option.DefaultValueFactory = _ => defaultText;
        }

        Option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0)
            {
                Check(result.Tokens[^1].Value, result.AddError);
            }
        });
    }

    public Option<string> Option { get; }

    /// <summary>Whether the option was on the command line, rather than taken from its default.</summary>
    public bool IsGiven(ParseResult result) => result.GetResult(Option) is { Implicit: false };

    /// <summary>The converted value; the default when not given. Call only on a result without errors.</summary>
    public T Get(ParseResult result) => _convert(result.GetValue(Option) ?? throw new ArgumentException($"{Option.Name} is required"));

    /// <summary>The converted value when given, otherwise <paramref name="fallback"/>.</summary>
    public T GetOr(ParseResult result, T fallback) => IsGiven(result) ? Get(result) : fallback;

    internal static string HelpNameOf(string name) => name.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    private void Check(string text, Action<string> addError)
    {
        try
        {
            _convert(text);
        }
        catch (ArgumentException ex)
        {
            addError(ex.Message);
        }
    }
}
