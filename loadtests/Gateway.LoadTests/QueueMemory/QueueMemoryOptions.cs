using System.CommandLine;
using Gateway.LoadGen;

namespace Gateway.LoadTests.QueueMemory;

/// <summary>Options of the <c>queue-memory</c> scenario.</summary>
internal sealed record QueueMemoryOptions(IReadOnlyList<int> Levels, IReadOnlyList<string> Systems, int HoldSeconds = 0)
{
    /// <summary>Each held request is one client connection, and one file descriptor in the proxy and in this process.</summary>
    public const int MaxLevel = 19_000;

    public static IReadOnlyList<string> AllSystems { get; } = [QueueMemorySystems.GatewayQueued, QueueMemorySystems.GatewayInFlight, QueueMemorySystems.StockYarp];

    public static QueueMemoryOptions Parse(string[] args) => CreateCommandLine().Parse(args);

    public static OptionsCommand<QueueMemoryOptions> CreateCommandLine()
    {
        var levels = new TextOption<IReadOnlyList<int>>(
            "--levels", $"comma list of held requests, rising, each 1 to {MaxLevel:N0} (one connection each; this machine allows 20,000 open files per process)",
            "1000,10000,19000", ParseLevels);
        var systems = new TextOption<IReadOnlyList<string>>(
            "--systems", $"comma list of {string.Join(", ", AllSystems)}", string.Join(',', AllSystems),
            v => [.. v.Split(',', StringSplitOptions.TrimEntries).Select(ParseSystem).Distinct()]);
        var hold = new TextOption<int>(
            "--hold", "seconds to keep each level's requests held after measuring it, e.g. for dotnet-gcdump collect -p PID (the PID is printed), 0-3600",
            "0", v => OptionValue.Int("--hold", v, 0, 3600));
        var command = new Command("queue-memory", """
            Issue 16: what a request waiting in the gateway's queue costs in memory. Holds N requests (one client
            connection each) waiting in the gateway's queue, in flight through the gateway, and in flight through stock
            YARP, and reports each process's RSS over idle at every level.
            """)
        {
            levels.Option, systems.Option, hold.Option,
        };
        return new(command, result => new QueueMemoryOptions(levels.Get(result), systems.Get(result), hold.Get(result)));
    }

    public string CommandLine => $"loadtests/run.sh queue-memory --levels {string.Join(',', Levels)} --systems {string.Join(',', Systems)}{(HoldSeconds > 0 ? $" --hold {HoldSeconds}" : "")}";

    private static IReadOnlyList<int> ParseLevels(string text)
    {
        IReadOnlyList<int> levels = [.. text.Split(',').Select(v => OptionValue.Int("--levels", v, 1, MaxLevel))];
        return levels.Zip(levels.Skip(1)).All(p => p.First < p.Second)
            ? levels
            : throw new ArgumentException($"--levels must rise, got '{text}'");
    }

    private static string ParseSystem(string text) =>
        AllSystems.FirstOrDefault(s => string.Equals(s, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--systems: '{text}' is not one of {string.Join(", ", AllSystems)}");
}
