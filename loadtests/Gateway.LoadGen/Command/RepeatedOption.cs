using System.CommandLine;

namespace Gateway.LoadGen;

/// <summary>An option that may be given more than once (<c>--url A --url B</c>), each value converted in order.</summary>
public sealed class RepeatedOption<T>
{
    private readonly Func<string, T> _convert;

    public RepeatedOption(string name, string description, Func<string, T> convert)
    {
        _convert = convert;
        Option = new Option<string[]>(name) { Description = description, HelpName = TextOption<T>.HelpNameOf(name), Arity = ArgumentArity.OneOrMore };
        Option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                try
                {
                    _convert(token.Value);
                }
                catch (ArgumentException ex)
                {
                    result.AddError(ex.Message);
                    return;
                }
            }
        });
    }

    public Option<string[]> Option { get; }

    public IReadOnlyList<T> Get(ParseResult result) => [.. (result.GetValue(Option) ?? []).Select(_convert)];
}
