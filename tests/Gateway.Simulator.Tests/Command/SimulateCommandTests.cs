using System.Text.Json;
using Gateway.LoadGen;

namespace Gateway.Simulator.Tests.Command;

public sealed class SimulateCommandTests
{
    private static readonly string[] SmallRun =
        ["--upstreams", "3", "--slots", "4", "--replicas", "2", "--policy", "RandomDirect,ConcurrencyAware", "--utilization", "0.5,0.8", "--requests", "20000"];

    [Fact]
    public void Run_SmallScenario_PrintsOneRowPerPolicyAndUtilizationThenReproduceLine()
    {
        var (exitCode, output, diagnostics) = Run(SmallRun);

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("| policy | replicas | upstreams × slots |", lines[0]);
        var rows = lines.Where(l => l.StartsWith("| RandomDirect ", StringComparison.Ordinal) || l.StartsWith("| ConcurrencyAware ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, rows.Length);
        Assert.Contains("| 2 | 3 × 4 | 0.80 |", rows[^1]);
        Assert.Equal(
            "Reproduce: loadtests/run.sh simulate --upstreams 3 --slots 4 --replicas 2 --policy RandomDirect,ConcurrencyAware "
            + "--service exp:mean=100ms --utilization 0.5,0.8 --requests 20000 --warmup 0.05 --seed 1 --rtt 0.5ms --store-rtt 0.3ms --fleet-reserve 2",
            lines[^1]);
        Assert.Contains("simulated requests/s", diagnostics);
    }

    [Fact]
    public void Run_Json_PrintsOneArrayOfRowsWithEveryField()
    {
        var (exitCode, output, _) = Run([.. SmallRun, "--json"]);

        Assert.Equal(0, exitCode);
        using var document = JsonDocument.Parse(output);
        var rows = document.RootElement.EnumerateArray().ToArray();
        Assert.Equal(4, rows.Length);
        foreach (var field in new[]
        {
            "policy", "replicas", "upstreams", "slots", "target_utilization", "utilization", "mean_queue_ms", "p50_queue_ms",
            "p99_queue_ms", "mean_local_queue_ms", "waited_share", "mean_e2e_ms", "p50_e2e_ms", "p99_e2e_ms", "requests",
        })
        {
            Assert.All(rows, row => Assert.True(row.TryGetProperty(field, out _), $"missing {field}"));
        }

        Assert.Equal("ConcurrencyAware", rows[1].GetProperty("policy").GetString());
        Assert.Equal(0.8, rows[3].GetProperty("target_utilization").GetDouble());
        Assert.Equal(20000, rows[0].GetProperty("requests").GetInt32());
    }

    [Fact]
    public void Help_NamesEveryOptionAndItsDefault()
    {
        var help = CommandLineRoot.HelpOf(SimulateCommand.Create());

        Assert.Contains("loadtests/run.sh simulate [options]", help);
        foreach (var option in new[] { "--upstreams", "--slots", "--replicas", "--policy", "--service", "--utilization", "--requests", "--warmup", "--seed", "--rtt", "--store-rtt", "--fleet-reserve", "--json" })
        {
            Assert.Contains(option + " ", help);
        }

        Assert.Contains("[default: exp:mean=100ms]", help);
        Assert.Contains("[default: 0.5,0.7,0.9]", help);
    }

    [Fact]
    public void Run_BadOption_ThrowsArgumentExceptionForTheExitCode2Handler()
    {
        // loadtests' Program prints "loadtests: <message>" and exits 2 for an ArgumentException.
        var error = Assert.Throws<ArgumentException>(() => SimulateCommand.Run(["--replicas", "0"], TextWriter.Null, TextWriter.Null, TimeProvider.System));

        Assert.StartsWith("--replicas must be", error.Message);
    }

    private static (int ExitCode, string Output, string Diagnostics) Run(string[] args)
    {
        using var output = new StringWriter();
        using var diagnostics = new StringWriter();
        var exitCode = SimulateCommand.Run(args, output, diagnostics, TimeProvider.System);
        return (exitCode, output.ToString(), diagnostics.ToString());
    }
}
