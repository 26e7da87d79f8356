using System.CommandLine;
using System.CommandLine.Help;

namespace Gateway.LoadGen;

/// <summary>
/// <c>loadtests/run.sh</c>'s command line: one command per scenario, help for each, and one way to fail. A bad option
/// or value prints <c>loadtests: MESSAGE</c> naming the option and exits 2; so do options that are only wrong together,
/// which the commands throw as <see cref="ArgumentException"/>.
/// </summary>
public static class CommandLineRoot
{
    public const string Name = "loadtests/run.sh";

    public static Command Create(string description, IEnumerable<Command> commands)
    {
        var root = new Command(Name, description) { new HelpOption() };
        foreach (var command in commands)
        {
            root.Add(command);
        }

        // Without a scenario: the list of them, as an error.
        root.SetAction(result =>
        {
            WriteHelp(root, [], result.InvocationConfiguration.Error);
            return 2;
        });
        return root;
    }

    public static async Task<int> InvokeAsync(Command root, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var result = root.Parse(args, OptionsCommand<object>.Configuration);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await stderr.WriteLineAsync($"loadtests: {error.Message}");
            }

            var command = result.CommandResult.Command;
            await stderr.WriteLineAsync($"see {Name}{(command == root ? "" : " " + command.Name)} --help");
            return 2;
        }

        try
        {
            return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"loadtests: {ex.Message}");
            return 2;
        }
    }

    /// <summary>The help of <paramref name="root"/>'s command at <paramref name="path"/> (e.g. <c>["load"]</c>).</summary>
    public static void WriteHelp(Command root, IReadOnlyList<string> path, TextWriter output) =>
        root.Parse([.. path, "--help"], OptionsCommand<object>.Configuration).Invoke(new InvocationConfiguration { Output = output });

    /// <summary>The help text of one command, as <c>loadtests/run.sh COMMAND --help</c> prints it.</summary>
    public static string HelpOf(Command command)
    {
        using var output = new StringWriter();
        WriteHelp(Create("", [command]), [command.Name], output);
        return output.ToString();
    }
}
