using Gateway.LoadTests.Race;

namespace Gateway.LoadTests.Tests.Race;

public sealed class RaceOptionsTests
{
    [Fact]
    public void Parse_TheReproduceCommand_GivesBackTheSameOptions()
    {
        var options = RaceOptions.Parse(["--jobs", "7", "--qdelay-ms", "1500", "--sleep-ms", "400", "--work-ms", "20"]);

        var again = RaceOptions.Parse(options.CommandLine["loadtests/run.sh race ".Length..].Split(' '));

        Assert.Equal(new RaceOptions(7, 1500, 400, 20), again);
    }

    [Fact]
    public void Parse_Nothing_GivesTheDocumentedDefaults()
    {
        Assert.Equal(new RaceOptions(20, 2000, 500, 50), RaceOptions.Parse([]));
    }

    [Theory]
    [InlineData(new[] { "--jobs", "0" }, "--jobs")]
    [InlineData(new[] { "--qdelay-ms", "900001" }, "--qdelay-ms")]
    [InlineData(new[] { "--sleep-ms", "50", "--work-ms", "50" }, "--sleep-ms (50) must be longer than --work-ms (50)")]
    [InlineData(new[] { "--seed", "1" }, "Unrecognized command or argument '--seed'")]
    public void Parse_BadValue_ThrowsNamingTheOption(string[] args, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => RaceOptions.Parse(args));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
