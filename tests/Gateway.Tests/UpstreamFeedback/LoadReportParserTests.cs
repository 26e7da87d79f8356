using Gateway.UpstreamFeedback;

namespace Gateway.Tests.UpstreamFeedback;

public sealed class LoadReportParserTests
{
    [Theory]
    [InlineData("TEXT named_metrics.inflight=3, named_metrics.limit=12", 3, 12)]
    [InlineData("TEXT named_metrics.limit=4,named_metrics.inflight=0", 0, 4)]
    [InlineData("TEXT cpu_utilization=0.3, named_metrics.inflight=7", 7, null)]
    [InlineData("TEXT named_metrics.tenant_backlog=3, named_metrics.limit=2", null, 2)]
    [InlineData("TEXT cpu_utilization=0.5", null, null)]
    public void TryParse_OrcaText_ReadsInFlightAndLimit(string header, int? inFlight, int? limit)
    {
        Assert.True(LoadReportParser.TryParse(header, out var report));
        Assert.Equal(inFlight, report.InFlight);
        Assert.Equal(limit, report.Limit);
    }

    [Fact]
    public void TryParse_EnqueueReport_ReadsTheBacklogFigures()
    {
        Assert.True(LoadReportParser.TryParse(
            "TEXT named_metrics.backlog=40, named_metrics.backlog_age_ms=900.5, named_metrics.tenant_backlog=7, named_metrics.tenant_backlog_age_ms=450",
            out var report));
        Assert.Equal(new LoadReport(null, null, 40, 900.5, 7, 450), report);
    }

    [Fact]
    public void TryParse_OccupancyOnly_LeavesTheBacklogFiguresNull()
    {
        Assert.True(LoadReportParser.TryParse("TEXT named_metrics.inflight=1", out var report));
        Assert.Null(report.Backlog);
        Assert.Null(report.BacklogAgeMs);
        Assert.Null(report.TenantBacklog);
        Assert.Null(report.TenantBacklogAgeMs);
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
    [InlineData("TEXT named_metrics.backlog=-3")]
    [InlineData("TEXT named_metrics.backlog_age_ms=-1")]
    [InlineData("TEXT named_metrics.tenant_backlog_age_ms=NaN")]
    [InlineData("TEXT named_metrics.tenant_backlog=1e13")]
    public void TryParse_Malformed_ReturnsFalse(string header)
    {
        Assert.False(LoadReportParser.TryParse(header, out _));
    }
}
