using Gateway.LoadTests.QueueMemory;

namespace Gateway.LoadTests.Tests.QueueMemory;

public sealed class QueueMemoryScenarioTests
{
    [Fact]
    public void Parse_NoArguments_GivesTheDocumentedLevelsAndEverySetUp()
    {
        var options = QueueMemoryOptions.Parse([]);

        Assert.Equal([1000, 10000, 19000], options.Levels);
        Assert.Equal(["gateway-queued", "gateway-inflight", "stock-yarp"], options.Systems);
    }

    [Theory]
    [InlineData("--levels", "10000,1000", "--levels must rise")]
    [InlineData("--levels", "20000", "--levels must be 1 to 19000")]
    [InlineData("--levels", "0", "--levels must be 1 to 19000")]
    [InlineData("--systems", "envoy", "--systems: 'envoy'")]
    [InlineData("--hold", "-1", "--hold must be 0 to 3600")]
    public void Parse_BadValue_ThrowsNamingTheOption(string option, string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => QueueMemoryOptions.Parse([option, value]));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TheReproduceCommand_GivesBackTheSameOptions()
    {
        var options = QueueMemoryOptions.Parse(["--levels", "10,20", "--systems", "STOCK-YARP,gateway-queued", "--hold", "30"]);

        var again = QueueMemoryOptions.Parse(options.CommandLine["loadtests/run.sh queue-memory ".Length..].Split(' '));

        Assert.Equal([10, 20], again.Levels);
        Assert.Equal(["stock-yarp", "gateway-queued"], again.Systems);
        Assert.Equal(30, again.HoldSeconds);
    }

    [Fact]
    public void ParseRssKb_ReadsTheVmRssLine()
    {
        string[] status = ["Name:\tdotnet", "VmPeak:\t 9999 kB", "VmRSS:\t  123456 kB", "RssAnon:\t 100000 kB"];

        Assert.Equal(123456, QueueMemoryScenario.ParseRssKb(status));
        Assert.Throws<FormatException>(() => QueueMemoryScenario.ParseRssKb(["Name:\tdotnet"]));
    }

    [Fact]
    public void Markdown_GivesEachLevelItsGrowthOverIdleAndItsCostPerRequest()
    {
        var options = QueueMemoryOptions.Parse(["--levels", "1000,10000"]);
        var row = new QueueMemoryRow("gateway-queued", 80, 10, [new QueueMemoryLevel(1000, 90, 12), new QueueMemoryLevel(10000, 180, 40)]);

        var markdown = QueueMemoryScenario.Markdown(options, [row]);

        // 10 MB over 1,000 requests is 10.24 KB each; 100 MB over 10,000 the same.
        Assert.Contains("| gateway-queued | 80 | 10 / 10.2 | 100 / 10.2 |", markdown, StringComparison.Ordinal);
        Assert.Contains("managed heap 10 MB idle, 12 MB at 1,000, 40 MB at 10,000", markdown, StringComparison.Ordinal);
        Assert.Contains("Reproduce: `loadtests/run.sh queue-memory --levels 1000,10000 --systems gateway-queued,gateway-inflight,stock-yarp`", markdown, StringComparison.Ordinal);
    }
}
