using Gateway.LoadTests.ReplicasRedis;

namespace Gateway.LoadTests.Tests.ReplicasRedis;

public sealed class ReplicasRedisOptionsTests
{
    [Fact]
    public void Parse_TheReproduceCommand_GivesBackTheSameOptions()
    {
        var options = ReplicasRedisOptions.Parse(["--rate", "250", "--replicas", "4", "--seconds", "12", "--compare", "off", "--outage", "on"]);

        var again = ReplicasRedisOptions.Parse(options.CommandLine["loadtests/run.sh replicas-redis ".Length..].Split(' '));

        Assert.Equal(new ReplicasRedisOptions(250, 4, 12, Compare: false, Outage: true), again);
    }

    [Fact]
    public void Parse_Nothing_GivesTheDocumentedDefaults()
    {
        var options = ReplicasRedisOptions.Parse([]);

        Assert.Equal(new ReplicasRedisOptions(100, 3, 30, Compare: true, Outage: true), options);
        Assert.Equal(100, options.Burst);
    }

    [Theory]
    [InlineData(new[] { "--rate", "0" }, "--rate")]
    [InlineData(new[] { "--replicas", "11" }, "--replicas")]
    [InlineData(new[] { "--seconds", "4" }, "--seconds")]
    [InlineData(new[] { "--outage", "maybe" }, "--outage must be on or off")]
    [InlineData(new[] { "--seed", "1" }, "Unrecognized command or argument '--seed'")]
    public void Parse_BadValue_ThrowsNamingTheOption(string[] args, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => ReplicasRedisOptions.Parse(args));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
