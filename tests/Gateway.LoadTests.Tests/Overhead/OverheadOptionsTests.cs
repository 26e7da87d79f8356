using Gateway.LoadTests.Overhead;

namespace Gateway.LoadTests.Tests.Overhead;

public sealed class OverheadOptionsTests
{
    [Fact]
    public void Parse_TheReproduceCommand_GivesBackTheSameOptions()
    {
        var options = OverheadOptions.Parse(["--rounds", "2", "--throughput-seconds", "4", "--connections", "64", "--latency-seconds", "6", "--load", "0.25"]);

        var again = OverheadOptions.Parse(options.CommandLine["loadtests/run.sh overhead ".Length..].Split(' '));

        Assert.Equal(new OverheadOptions(2, 4, 64, 6, 0.25), again);
    }

    [Fact]
    public void Parse_NoOptions_RunsFiveRounds()
    {
        // The throughput targets are read as medians of at least five interleaved rounds.
        Assert.Equal(5, OverheadOptions.Parse([]).Rounds);
    }

    [Theory]
    [InlineData("--load", "1", "--load")]
    [InlineData("--load", "0", "--load")]
    [InlineData("--rounds", "0", "--rounds")]
    [InlineData("--connections", "many", "--connections")]
    [InlineData("--warmup", "1", "Unrecognized command or argument '--warmup'")]
    public void Parse_BadValue_ThrowsNamingTheOption(string option, string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => OverheadOptions.Parse([option, value]));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
