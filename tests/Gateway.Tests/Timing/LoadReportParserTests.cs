using Gateway.Timing;

namespace Gateway.Tests.Timing;

public sealed class LoadReportParserTests
{
    [Theory]
    [InlineData("TEXT named_metrics.inflight=3, named_metrics.limit=12", 3, 12)]
    [InlineData("TEXT named_metrics.limit=4,named_metrics.inflight=0", 0, 4)]
    [InlineData("TEXT cpu_utilization=0.3, named_metrics.inflight=7", 7, null)]
    [InlineData("TEXT named_metrics.backlog_age_ms=1500, named_metrics.limit=2", null, 2)]
    [InlineData("TEXT cpu_utilization=0.5", null, null)]
    public void TryParse_OrcaText_ReadsInFlightAndLimit(string header, int? inFlight, int? limit)
    {
        Assert.True(LoadReportParser.TryParse(header, out var report));
        Assert.Equal(new LoadReport(inFlight, limit), report);
    }

    [Theory]
    [InlineData("")]
    [InlineData("named_metrics.inflight=3")]
    [InlineData("JSON {\"named_metrics\":{}}")]
    [InlineData("TEXT named_metrics.inflight=-1")]
    [InlineData("TEXT named_metrics.inflight=abc")]
    [InlineData("TEXT named_metrics.limit=0")]
    [InlineData("TEXT named_metrics.limit=1e12")]
    [InlineData("TEXT named_metrics.inflight")]
    [InlineData("TEXT =4")]
    public void TryParse_Malformed_ReturnsFalse(string header)
    {
        Assert.False(LoadReportParser.TryParse(header, out _));
    }
}
