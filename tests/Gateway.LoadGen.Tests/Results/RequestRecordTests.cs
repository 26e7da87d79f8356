namespace Gateway.LoadGen.Tests.Results;

public sealed class RequestRecordTests
{
    [Fact]
    public void AppMsAndQueueingMs_FromServerTiming()
    {
        var record = Record(latencyMs: 30, serverTiming: "total;dur=29, app;dur=12.5");

        Assert.Equal(12.5, record.AppMs);
        Assert.Equal(17.5, record.QueueingMs);
        Assert.Equal(29, record.ServerTimingMs("total"));
    }

    [Fact]
    public void AppMsAndQueueingMs_WithoutServerTiming_AreNull()
    {
        var record = Record(latencyMs: 30, serverTiming: null);

        Assert.Null(record.AppMs);
        Assert.Null(record.QueueingMs);
    }

    [Fact]
    public void CapturedNumber_ParsesNumbersAndIgnoresTheRest()
    {
        var record = Record(latencyMs: 1, serverTiming: null, captured: ["3.5", null, "x"]);

        Assert.Equal(3.5, record.CapturedNumber(0));
        Assert.Null(record.CapturedNumber(1));
        Assert.Null(record.CapturedNumber(2));
        Assert.Null(record.CapturedNumber(3));
    }

    [Theory]
    [InlineData(200, null, true)]
    [InlineData(204, null, true)]
    [InlineData(503, null, false)]
    [InlineData(302, null, false)]
    [InlineData(200, "io_error", false)]
    [InlineData(0, "timeout", false)]
    public void IsOk_Only2xxWithoutError(int status, string? error, bool ok) =>
        Assert.Equal(ok, (Record(1, null) with { Status = status, Error = error }).IsOk);

    internal static RequestRecord Record(double latencyMs, string? serverTiming, IReadOnlyList<string?>? captured = null, int status = 200, string? error = null, long index = 0) =>
        new(index, index * 10.0, latencyMs, status, error, serverTiming, captured ?? []);
}
