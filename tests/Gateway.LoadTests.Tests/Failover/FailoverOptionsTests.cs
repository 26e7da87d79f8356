using Gateway.LoadTests.Failover;

namespace Gateway.LoadTests.Tests.Failover;

public sealed class FailoverOptionsTests
{
    [Fact]
    public void Parse_Nothing_GivesTheDocumentedDefaults()
    {
        var options = FailoverOptions.Parse([]);

        Assert.Equal(300, options.Rate);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ResponseTimeout);
        Assert.Equal([FailoverEvent.Kill, FailoverEvent.Stop], options.Events);
        Assert.Equal([FailoverProxy.Ours, FailoverProxy.HAProxy, FailoverProxy.Yarp], options.Proxies);
        Assert.Equal("exp:mean=20ms", options.ServiceSpec);
        Assert.Equal(1, options.Seed);
        Assert.Equal("loadtests/results", options.OutputDirectory);
    }

    [Fact]
    public void Parse_TheReproduceCommand_GivesBackTheSameOptions()
    {
        var options = FailoverOptions.Parse([
            "--rate", "100", "--duration", "14", "--response-timeout", "1500ms", "--events", "stop,restart",
            "--proxies", "yarp,ours", "--service", "const:10ms", "--seed", "7",
        ]);

        var again = FailoverOptions.Parse(options.CommandLine["loadtests/run.sh failover ".Length..].Split(' '));

        Assert.Equal(100, again.Rate);
        Assert.Equal(TimeSpan.FromSeconds(14), again.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), again.ResponseTimeout);
        Assert.Equal([FailoverEvent.Stop, FailoverEvent.Restart], again.Events);
        Assert.Equal([FailoverProxy.Yarp, FailoverProxy.Ours], again.Proxies);
        Assert.Equal("const:10ms", again.ServiceSpec);
        Assert.Equal(7, again.Seed);
        Assert.Equal(options.CommandLine, again.CommandLine);
    }

    [Theory]
    [InlineData("30", 30_000)]
    [InlineData("30s", 30_000)]
    [InlineData("14500ms", 14_500)]
    public void Parse_Duration_TakesSecondsOrAUnit(string value, double expectedMs)
    {
        var options = FailoverOptions.Parse(["--duration", value]);

        Assert.Equal(expectedMs, options.Duration.TotalMilliseconds);
    }

    [Fact]
    public void Parse_ListsInAnyCaseWithRepeats_KeepsTheFirstOfEachInOrder()
    {
        var options = FailoverOptions.Parse(["--events", "STOP, kill,stop", "--proxies", "HAProxy"]);

        Assert.Equal([FailoverEvent.Stop, FailoverEvent.Kill], options.Events);
        Assert.Equal([FailoverProxy.HAProxy], options.Proxies);
    }

    [Theory]
    [InlineData(new[] { "--rate", "0" }, "--rate must be 1 to 3000")]
    [InlineData(new[] { "--duration", "13" }, "--duration must be 14s to 600s")]
    [InlineData(new[] { "--duration", "1e300" }, "--duration must be")]
    [InlineData(new[] { "--response-timeout", "50ms" }, "--response-timeout must be 100ms to 60s")]
    [InlineData(new[] { "--events", "kill,explode" }, "--events: 'explode' is not one of kill,stop,restart")]
    [InlineData(new[] { "--events", "1" }, "--events: '1' is not one of")]
    [InlineData(new[] { "--events", "," }, "--events needs at least one of")]
    [InlineData(new[] { "--proxies", "nginx" }, "--proxies: 'nginx' is not one of ours,haproxy,yarp")]
    [InlineData(new[] { "--service", "exp:20" }, "--service")]
    [InlineData(new[] { "--seed" }, "Required argument missing for option: '--seed'.")]
    [InlineData(new[] { "--utilization", "0.5" }, "Unrecognized command or argument '--utilization'")]
    public void Parse_BadValue_ThrowsNamingTheOption(string[] args, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => FailoverOptions.Parse(args));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
