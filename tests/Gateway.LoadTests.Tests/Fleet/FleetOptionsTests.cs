using Gateway.LoadTests.Fleet;

namespace Gateway.LoadTests.Tests.Fleet;

public sealed class FleetOptionsTests
{
    [Fact]
    public void Parse_NoArguments_GivesTheDocumentedDefaults_EverySetUpOneAtATime()
    {
        var options = FleetOptions.Parse([]);

        Assert.Equal([0.8, 0.9], options.Utilizations);
        Assert.Equal((120, 1, 1, 45, false, false), (options.Seconds, options.Rounds, options.Seed, options.WarmUpSeconds, options.Quick, options.Together));
        Assert.Equal(["ours-1", "ours-3", "haproxy-1", "haproxy-3", "yarp-lr-3", "yarp-p2c-3", "ours-fleet-3"], options.Systems);
        Assert.Equal("loadtests/results", options.OutputDirectory);
        Assert.Equal(16, options.TotalSlots);
    }

    [Fact]
    public void Parse_Quick_IsOneShortLevelWithAShorterWarmUp()
    {
        var options = FleetOptions.Parse(["--quick"]);

        Assert.Equal([0.8], options.Utilizations);
        Assert.Equal((25, 10, true), (options.Seconds, options.WarmUpSeconds, options.Quick));
        Assert.Equal(["ours-3", "haproxy-1", "haproxy-3", "ours-fleet-3"], options.Systems);

        // Its total: warm-up, calibration and one level for each set-up, with about 5 s of settling each, in three minutes.
        Assert.True(
            options.WarmUpSeconds + FleetScenario.CalibrationSeconds + ((options.Seconds + 5) * options.Utilizations.Count * options.Systems.Count) <= 150);
    }

    [Fact]
    public void Parse_QuickAfterAnotherOption_KeepsThatOption()
    {
        var options = FleetOptions.Parse(["--seconds", "30", "--systems", "haproxy-1,ours-fleet-3", "--quick"]);

        Assert.Equal((30, true), (options.Seconds, options.Quick));
        Assert.Equal(["haproxy-1", "ours-fleet-3"], options.Systems);
        Assert.Equal([0.8], options.Utilizations);
    }

    [Fact]
    public void Parse_FleetModeAsked_IsAccepted()
    {
        var options = FleetOptions.Parse(["--systems", "OURS-FLEET-3,haproxy-1,haproxy-1"]);

        Assert.Equal(["ours-fleet-3", "haproxy-1"], options.Systems);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--quick --rounds 3 --systems ours-3,ours-fleet-3 --seed 9 --out /tmp/fleet")]
    [InlineData("--utilization 0.5,0.95 --seconds 60")]
    [InlineData("--together --systems haproxy-1,ours-fleet-3")]
    public void Parse_TheReproduceCommand_GivesBackTheSameOptions(string args)
    {
        var options = FleetOptions.Parse(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        var again = FleetOptions.Parse(options.CommandLine["loadtests/run.sh fleet ".Length..].Split(' '));

        Assert.Equal(options.Utilizations, again.Utilizations);
        Assert.Equal(options.Systems, again.Systems);
        Assert.Equal(options with { Utilizations = again.Utilizations, Systems = again.Systems }, again);
    }

    [Theory]
    [InlineData("--utilization", "0.8,1", "--utilization")]
    [InlineData("--utilization", "most", "--utilization")]
    [InlineData("--seconds", "5", "--seconds")]
    [InlineData("--seconds", "forever", "--seconds")]
    [InlineData("--rounds", "0", "--rounds")]
    [InlineData("--systems", "envoy-3", "--systems: 'envoy-3'")]
    [InlineData("--seed", "-1", "--seed")]
    [InlineData("--out", "", "--out")]
    [InlineData("--slots", "4", "Unrecognized command or argument '--slots'")]
    public void Parse_BadValue_ThrowsNamingTheOption(string option, string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => FleetOptions.Parse([option, value]));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OptionWithoutValue_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => FleetOptions.Parse(["--quick", "--rounds"]));

        Assert.Equal("Required argument missing for option: '--rounds'.", ex.Message);
    }
}
