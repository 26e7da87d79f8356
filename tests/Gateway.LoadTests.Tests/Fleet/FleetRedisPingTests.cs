using Gateway.LoadGen;
using Gateway.LoadTests.Fleet;

namespace Gateway.LoadTests.Tests.Fleet;

public sealed class FleetRedisPingTests
{
    [Fact]
    public void Describe_OneRoundPerLevel_NamesLevelsWithoutRounds()
    {
        var line = FleetRedisPing.Describe(
        [
            new FleetRedisPing(0.8, 1, LatencySummary.Of([0.2, 0.4, 9])),
            new FleetRedisPing(0.9, 1, LatencySummary.Of([1, 2, 3])),
        ]);

        Assert.Contains("80%: mean 3.2, p50 0.4, p99 9.0 ms; 90%: mean 2.0, p50 2.0, p99 3.0 ms.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("round 1", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_TwoRounds_NamesTheRound()
    {
        var line = FleetRedisPing.Describe([new FleetRedisPing(0.8, 1, LatencySummary.Of([1])), new FleetRedisPing(0.8, 2, LatencySummary.Of([2]))]);

        Assert.Contains("80% round 1: mean 1.0", line, StringComparison.Ordinal);
        Assert.Contains("80% round 2: mean 2.0", line, StringComparison.Ordinal);
    }
}
