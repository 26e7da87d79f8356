using Gateway.UpstreamFeedback;

namespace Gateway.Tests.UpstreamFeedback;

public sealed class ServerTimingParserTests
{
    [Theory]
    [InlineData("app;dur=12.5", 12.5)]
    [InlineData("app;dur=0", 0)]
    [InlineData("db;dur=3, app;dur=47", 47)]
    [InlineData("cache;desc=\"hit, warm\";dur=1, app;dur=8", 8)]
    [InlineData("APP;DUR=5", 5)]
    [InlineData("app;desc=\"x\";dur=\"9.25\"", 9.25)]
    [InlineData("  app ; dur = 4 ", 4)]
    public void TryGetDuration_ValidHeader_ReturnsAppDuration(string header, double expectedMs)
    {
        Assert.True(ServerTimingParser.TryGetDuration(header, "app", out var duration));
        Assert.Equal(expectedMs, duration.TotalMilliseconds, precision: 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("db;dur=3")]
    [InlineData("app")]
    [InlineData("app;desc=\"no duration\"")]
    [InlineData("app;dur=-1")]
    [InlineData("app;dur=abc")]
    [InlineData("app;dur=1e400")]
    [InlineData("app;dur=NaN")]
    [InlineData("application;dur=5")]
    [InlineData("x;desc=\"app;dur=5\"")]
    public void TryGetDuration_MissingOrMalformed_ReturnsFalse(string header)
    {
        Assert.False(ServerTimingParser.TryGetDuration(header, "app", out _));
    }
}
