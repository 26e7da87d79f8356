namespace Gateway.LoadGen.Tests.Results;

public sealed class ServerTimingHeaderTests
{
    [Theory]
    [InlineData("app;dur=12.5", "app", 12.5)]
    [InlineData("APP;DUR=4", "app", 4.0)]
    [InlineData("total;dur=99, app;dur=2", "app", 2.0)]
    [InlineData("cache;desc=\"hit, app;dur=1\", app;dur=3", "app", 3.0)]
    [InlineData("app;desc=\"x;y\";dur=5", "app", 5.0)]
    [InlineData("app; dur = 7.25 ", "app", 7.25)]
    [InlineData("app;dur=\"8\"", "app", 8.0)]
    [InlineData("app;dur=0", "app", 0.0)]
    [InlineData("app;dur=1e1", "app", 10.0)]
    [InlineData("app;dur=3, app;dur=9", "app", 3.0)]
    [InlineData("queue;dur=1.5, ulq;dur=0.25, app;dur=200", "ulq", 0.25)]
    public void Duration_WellFormedEntries_ReturnsTheDurOfTheNamedMetric(string header, string metric, double expected) =>
        Assert.Equal(expected, ServerTimingHeader.Duration(header, metric));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("total;dur=5")]
    [InlineData("application;dur=5")]
    [InlineData("app")]
    [InlineData("app;desc=slow")]
    [InlineData("app;dur=")]
    [InlineData("app;dur=abc")]
    [InlineData("app;dur=-1")]
    [InlineData("app;dur=NaN")]
    [InlineData("app;dur=abc, app;dur=4")]
    [InlineData(",,;;==\"")]
    [InlineData("cache;desc=\"app;dur=4")]
    public void Duration_MissingOrGarbage_ReturnsNullWithoutThrowing(string? header) =>
        Assert.Null(ServerTimingHeader.Duration(header, "app"));
}
