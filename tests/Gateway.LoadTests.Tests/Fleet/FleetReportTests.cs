using System.Text.Json;
using Gateway.LoadTests.Fleet;

namespace Gateway.LoadTests.Tests.Fleet;

public sealed class FleetReportTests
{
    private static readonly FleetRow Ours3 = new(
        "ours-3", "ours × 3 (ConcurrencyAware, no fleet)", 0.8, 1, 3000, 2999, 1, 0.794, 61.25, 412.4, 12.04, 150, new FleetSimulated(0.8, 0.794, 49, 380, 10))
    {
        VersusAnchor = new FleetRatios(2.5, 1.5, 2.1, double.NaN),
    };

    [Theory]
    [InlineData(0.04, "0.0")]
    [InlineData(99.94, "99.9")]
    [InlineData(100.4, "100")]
    [InlineData(double.NaN, "–")]
    public void Ms_OneDecimalBelowAHundred(double ms, string expected)
    {
        Assert.Equal(expected, FleetReport.Ms(ms));
    }

    [Fact]
    public void Pct_WritesNoSpaceBeforeTheSign()
    {
        Assert.Equal(("80%", "79.4%", "–"), (FleetReport.Pct(0.8), FleetReport.Pct(0.794, 1), FleetReport.Pct(double.NaN)));
    }

    [Fact]
    public void Row_ShowsRealSimulatedTheirRatioAndTheAnchorRatios()
    {
        Assert.Equal(
            "| 80% / 79.4% | ours × 3 (ConcurrencyAware, no fleet) | 2,999 / 1 | 61.2 / 412 | 49.0 / 380 | 1.25 / 1.09 | 12.0 / 150 [10.0] | 2.50 / 1.50 | 2.10 / – |",
            FleetReport.Row(Ours3));
    }

    [Fact]
    public void DescribeTrip_NamesTheMeasuredTripAndSetsTheDefaultTripsFiguresBesideEachLevel()
    {
        var line = FleetReport.DescribeTrip(
            "ours × 3 fleet (Redis)",
            2.994,
            [new FleetSimulated(0.8, 0.80, 28.8, 307, 0), new FleetSimulated(0.9, 0.90, 134, 833, 0)],
            [new FleetSimulated(0.8, 0.80, 23.9, 280, 0), new FleetSimulated(0.9, 0.90, 107, 770, 0)]);

        Assert.Equal(
            "- **ours × 3 fleet (Redis), simulated trip:** the simulated figures take a Redis round trip of 2.99 ms, the replicas' own mean acquire and release call over the levels; at 0.3 ms (a quiet loopback or a data centre) the simulator gives 80%: 23.9 / 280 ms (against 28.8 / 307); 90%: 107 / 770 ms (against 134 / 833).",
            line);
    }

    [Fact]
    public void Row_NoAnchor_DashesItsRatios()
    {
        Assert.EndsWith("| – / – | – / – |", FleetReport.Row(Ours3 with { VersusAnchor = null }), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCheck_LevelOffTarget_Warns()
    {
        FleetMeasure[] measures =
        [
            FleetMeasureTests.Measure("ours-3", 1, 0.70) with { CpuIdleShare = 0.02 },
            FleetMeasureTests.Measure("haproxy-1", 1, 0.74) with { CpuIdleShare = 0.02 },
        ];
        FleetRow[] rows = [Ours3 with { Utilization = 0.70 }, Ours3 with { Setup = "haproxy-1", Utilization = 0.74 }];

        var line = Assert.Single(FleetReport.LoadCheck(rows, measures));

        Assert.StartsWith("- **Load check, 80%:** 64.0 arrivals/s × 200.0 ms mean app time / 16 slots = 72.0% busy (set-ups 70.0%–74.0%); the CPUs were 2% idle", line, StringComparison.Ordinal);
        Assert.Contains("read this level with care", line, StringComparison.Ordinal);
        Assert.Contains("Something else used the cores", line, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadCheck_LevelOnTarget_DoesNotWarn()
    {
        FleetMeasure[] measures = [FleetMeasureTests.Measure("ours-3", 1, 0.79) with { CpuIdleShare = 0.45 }];

        var line = Assert.Single(FleetReport.LoadCheck([Ours3], measures));

        Assert.DoesNotContain("care", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Something else", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_WithASkippedFleet_HasTheTableTheSkipLineAndTheCommand()
    {
        var options = FleetOptions.Parse(["--quick", "--systems", "ours-3,ours-fleet-3"]);
        var skipped = new FleetSkipped("ours-fleet-3", "ours × 3 fleet (Redis)", "fleet mode is not built yet", [new FleetSimulated(0.8, 0.79, 21.5, 180, 0.1)]);

        var markdown = FleetReport.Markdown(options, [Ours3], [FleetMeasureTests.Measure("ours-3", 1, 0.794)], [skipped], ["- a note"]);

        Assert.Contains("| load (target / measured) | set-up |", markdown, StringComparison.Ordinal);
        Assert.Contains(FleetReport.Row(Ours3), markdown, StringComparison.Ordinal);
        Assert.Contains("- **ours × 3 fleet (Redis)**: not run, fleet mode is not built yet. The simulator gives mean / p99 queueing 80%: 21.5 / 180 ms.", markdown, StringComparison.Ordinal);
        Assert.Contains("\n- a note\n", markdown, StringComparison.Ordinal);
        Assert.Contains($"Reproduce: `{options.CommandLine}`", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_KeepsRatiosAndNaNInSnakeCase()
    {
        using var json = JsonDocument.Parse(FleetReport.Json(FleetOptions.Default, 1.5, [Ours3], [], [], ["- a note"]));

        var row = json.RootElement.GetProperty("rows")[0];
        Assert.Equal(1.25, row.GetProperty("mean_ratio").GetDouble());
        Assert.Equal("NaN", row.GetProperty("versus_anchor").GetProperty("simulated_p99").GetString());
        Assert.Equal(49, row.GetProperty("simulated").GetProperty("mean_queue_ms").GetDouble());
        Assert.Equal(1.5, json.RootElement.GetProperty("slot_excess_ms").GetDouble());
        Assert.Equal(FleetOptions.Default.CommandLine, json.RootElement.GetProperty("command").GetString());
        Assert.Equal("- a note", json.RootElement.GetProperty("notes")[0].GetString());
    }

    [Fact]
    public void Plot_HasASeriesPerSetUpAndTheDiagonal()
    {
        var svg = FleetReport.Plot([Ours3, Ours3 with { Setup = "haproxy-1" }], "Mean queueing", r => r.MeanQueueMs, r => r.Simulated.MeanQueueMs);

        Assert.Contains("<title>ours-3</title>", svg, StringComparison.Ordinal);
        Assert.Contains("<title>haproxy-1</title>", svg, StringComparison.Ordinal);
        Assert.Contains("<title>measured = simulated</title>", svg, StringComparison.Ordinal);
    }
}
