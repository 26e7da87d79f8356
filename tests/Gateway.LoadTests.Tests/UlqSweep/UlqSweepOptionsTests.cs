using Gateway.LoadTests.UlqSweep;

namespace Gateway.LoadTests.Tests.UlqSweep;

public sealed class UlqSweepOptionsTests
{
    [Fact]
    public void Parse_NoArguments_GivesTheDocumentedDefaults()
    {
        var options = UlqSweepOptions.Parse([]);

        Assert.Equal([0.4, 0.6, 0.8, 0.9, 0.95], options.Utilizations);
        Assert.Equal("exp:mean=200ms", options.ServiceSpec);
        Assert.Equal((3, 4, 60, 1), (options.Upstreams, options.Slots, options.Seconds, options.Seed));
        Assert.Equal(SweepSystems.All, options.Systems);
    }

    [Fact]
    public void Parse_TheReproduceCommand_GivesBackTheSameOptions()
    {
        var options = UlqSweepOptions.Parse(
            ["--utilization", "0.5,0.9", "--service", "const:20ms", "--upstreams", "2", "--slots", "6", "--seconds", "30", "--systems", "GW-CA-1,haproxy-leastconn", "--seed", "7"]);

        // The printed command quotes the service spec for the shell; strip that as the shell would.
        var args = options.CommandLine["loadtests/run.sh ulq-sweep ".Length..].Replace("'", "", StringComparison.Ordinal).Split(' ');
        var again = UlqSweepOptions.Parse(args);

        Assert.Equal(options.Utilizations, again.Utilizations);
        Assert.Equal(["gw-ca-1", "haproxy-leastconn"], again.Systems);
        Assert.Equal(options with { Utilizations = again.Utilizations, Systems = again.Systems }, again);
    }

    [Theory]
    [InlineData("--utilization", "0.9,1", "--utilization")]
    [InlineData("--utilization", "half", "--utilization")]
    [InlineData("--service", "exp:mean=0ms", "--service")]
    [InlineData("--systems", "envoy", "--systems: 'envoy'")]
    [InlineData("--slots", "0", "--slots")]
    [InlineData("--seconds", "1", "--seconds")]
    [InlineData("--colour", "blue", "Unrecognized command or argument '--colour'")]
    public void Parse_BadValue_ThrowsNamingTheOption(string option, string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => UlqSweepOptions.Parse([option, value]));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OptionWithoutValue_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => UlqSweepOptions.Parse(["--seed"]));

        Assert.Equal("Required argument missing for option: '--seed'.", ex.Message);
    }
}
