namespace Gateway.LoadGen.Tests.Results;

public sealed class TargetResultTests
{
    [Fact]
    public void Summaries_MixedOutcomes_CountStatusesErrorsAndThroughput()
    {
        var target = new TargetResult("t",
        [
            RequestRecordTests.Record(10, "app;dur=4", index: 0),
            RequestRecordTests.Record(20, "app;dur=5", index: 1),
            RequestRecordTests.Record(5, null, status: 503, index: 2),
            RequestRecordTests.Record(60_000, null, status: 0, error: "timeout", index: 3),
            RequestRecordTests.Record(100, null, status: 0, error: "cut", index: 4),
        ])
        { Elapsed = TimeSpan.FromSeconds(2) };

        Assert.Equal(new Dictionary<string, int> { ["200"] = 2, ["503"] = 1, ["error:cut"] = 1, ["error:timeout"] = 1 }, target.StatusCounts);
        Assert.Equal(2, target.Errors);
        Assert.Equal(2, target.Ok);
        Assert.Equal(1.0, target.ThroughputPerSecond);

        // Latency covers every response (the 503 too) but no error; queueing only the responses with app timing.
        Assert.Equal(3, target.Latency.Count);
        Assert.Equal(20, target.Latency.Max);
        Assert.Equal(2, target.Queueing!.Count);
        Assert.Equal(15, target.Queueing.Max);
    }

    [Fact]
    public void Queueing_NoServerTiming_IsNull() =>
        Assert.Null(new TargetResult("t", [RequestRecordTests.Record(10, null)]).Queueing);
}
