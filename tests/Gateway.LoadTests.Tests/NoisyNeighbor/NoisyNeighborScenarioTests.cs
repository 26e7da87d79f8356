using Gateway.LoadTests.NoisyNeighbor;

namespace Gateway.LoadTests.Tests.NoisyNeighbor;

public sealed class NoisyNeighborScenarioTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("12", true)]
    [InlineData("0", false)]
    [InlineData("-1", false)]
    [InlineData("1.5", false)]
    [InlineData(" 1", false)]
    [InlineData("Wed, 21 Oct 2026 07:28:00 GMT", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidRetryAfter_OnlyWholeSecondsOfAtLeastOne(string? value, bool expected)
    {
        Assert.Equal(expected, NoisyNeighborScenario.IsValidRetryAfter(value));
    }

    [Theory]
    [InlineData("TEXT named_metrics.backlog=3, named_metrics.backlog_age_ms=120, named_metrics.tenant_backlog=1, named_metrics.tenant_backlog_age_ms=45", 45.0)]
    [InlineData("TEXT named_metrics.tenant_backlog_age_ms=0.5", 0.5)]
    [InlineData("TEXT named_metrics.backlog_age_ms=120", null)]
    [InlineData(null, null)]
    public void BacklogAgeMs_ReadsTheTenantsOldestAgeOnly(string? header, double? expected)
    {
        Assert.Equal(expected, NoisyNeighborScenario.BacklogAgeMs(header));
    }
}
