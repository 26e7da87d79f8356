using System.CommandLine;
using Gateway.LoadGen;
using Gateway.LoadTests.Failover;
using Gateway.LoadTests.Fleet;
using Gateway.LoadTests.NoisyNeighbor;
using Gateway.LoadTests.Overhead;
using Gateway.LoadTests.QueueMemory;
using Gateway.LoadTests.Race;
using Gateway.LoadTests.ReplicasRedis;
using Gateway.LoadTests.ScrapeCost;
using Gateway.LoadTests.UlqSweep;

namespace Gateway.LoadTests;

/// <summary><c>loadtests/run.sh</c>'s commands: the generator, the simulator and every scenario.</summary>
internal static class Scenarios
{
    public const string Description = """
        Load tests against real gateway, peer and DemoUpstream processes on loopback, the open-loop generator and the
        queueing simulator. Each prints Markdown tables and the command that reproduces them;
        loadtests/run.sh SCENARIO --help lists its options and their defaults.
        """;

    public static Command CreateRoot(Command load, Command simulate) => CommandLineRoot.Create(Description,
    [
        load,
        simulate,
        Scenario(UlqSweepOptions.CreateCommandLine(), UlqSweepScenario.RunAsync),
        Scenario(OverheadOptions.CreateCommandLine(), OverheadScenario.RunAsync),
        Scenario(ScrapeCostOptions.CreateCommandLine(), ScrapeCostScenario.RunAsync),
        Scenario(RaceOptions.CreateCommandLine(), RaceScenario.RunAsync),
        Scenario(NoisyNeighborOptions.CreateCommandLine(), NoisyNeighborScenario.RunAsync),
        Scenario(ReplicasRedisOptions.CreateCommandLine(), ReplicasRedisScenario.RunAsync),
        Scenario(FailoverOptions.CreateCommandLine(), FailoverScenario.RunAsync),
        Scenario(FleetOptions.CreateCommandLine(), FleetScenario.RunAsync),
        Scenario(QueueMemoryOptions.CreateCommandLine(), QueueMemoryScenario.RunAsync),
    ]);

    private static Command Scenario<T>(OptionsCommand<T> commandLine, Func<T, Task<int>> run)
    {
        commandLine.Command.SetAction(result => run(commandLine.Bind(result)));
        return commandLine.Command;
    }
}
