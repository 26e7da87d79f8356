using System.CommandLine;

namespace Gateway.LoadGen;

/// <summary>
/// A command's options and how to read them into <typeparamref name="T"/>: <c>loadtests/run.sh</c> adds the command
/// to its root, and tests and callers read arguments with <see cref="Parse"/>.
/// </summary>
/// <param name="Command">The command, with every option, its description and its default for <c>--help</c>.</param>
/// <param name="Bind">Reads a parse result without errors; may throw <see cref="ArgumentException"/> for options that
/// only go wrong together (e.g. <c>--rate</c> and <c>--phases</c>).</param>
public sealed record OptionsCommand<T>(Command Command, Func<ParseResult, T> Bind)
{
    /// <summary>Response files (<c>@file</c>) are off: a value such as a header may start with <c>@</c>.</summary>
    public static ParserConfiguration Configuration => new() { ResponseFileTokenReplacer = null };

    /// <summary>Parses <paramref name="args"/>; the first error becomes an <see cref="ArgumentException"/> naming the option.</summary>
    public T Parse(IReadOnlyList<string> args)
    {
        var result = Command.Parse(args, Configuration);
        return result.Errors.Count > 0 ? throw new ArgumentException(result.Errors[0].Message) : Bind(result);
    }
}
