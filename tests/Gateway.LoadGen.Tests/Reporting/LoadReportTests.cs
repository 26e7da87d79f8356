using System.Text.Json;
using Gateway.LoadGen.Tests.Results;

namespace Gateway.LoadGen.Tests.Reporting;

public sealed class LoadReportTests
{
    [Fact]
    public void ToMarkdown_TwoTargets_OneRowEachWithPercentilesQueueingCapturesAndStatuses()
    {
        var markdown = LoadReport.ToMarkdown(Result());
        var lines = markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines.Single(l => l.StartsWith("| target", StringComparison.Ordinal));
        var rows = lines.Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l != header).ToArray();

        Assert.StartsWith("4 arrivals × 2 target(s) in 2.0 s", lines[0]);
        Assert.Contains("| p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | queueing mean ms | queueing p99 ms | X-Demo-Queue-Ms mean | X-Demo-Queue-Ms p99 | statuses |", header);
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("| gw \\| one | 4 | 3 | 1 | 1.5 | 20.0 | 30.0 | 30.0 | 30.0 | 30.0 | 10.0 | 20.0 | 2.00 | 3.00 | 200: 3, error:timeout: 1 |", rows[0]);
        Assert.StartsWith("| two | 4 | 4 | 0 | 2.0 |", rows[1]);

        // Every row has as many cells as the header, and the separator line matches too.
        var columns = header.Count(c => c == '|');
        Assert.All(lines.Where(l => l.StartsWith('|')), l => Assert.Equal(columns, l.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|')));
    }

    [Fact]
    public void ToMarkdown_NoServerTimingOrCaptures_LeavesThoseColumnsOut()
    {
        var result = new LoadResult([new TargetResult("t", [RequestRecordTests.Record(5, null)]) { Elapsed = TimeSpan.FromSeconds(1) }], TimeSpan.FromSeconds(1), 1);

        var markdown = LoadReport.ToMarkdown(result);

        Assert.DoesNotContain("queueing", markdown);
        Assert.Contains("| t | 1 | 1 | 0 | 1.0 | 5.00 | 5.00 | 5.00 | 5.00 | 5.00 | 200: 1 |", markdown);
    }

    [Fact]
    public void ToJson_Summaries_ParseWithTargetsLatencyQueueingAndStatusCounts()
    {
        using var json = JsonDocument.Parse(LoadReport.ToJson(Result()));
        var root = json.RootElement;

        Assert.Equal(4, root.GetProperty("arrivals").GetInt32());
        Assert.Equal(2000, root.GetProperty("elapsed_ms").GetDouble());
        Assert.Equal("MaxRequests", root.GetProperty("stop_reason").GetString());
        var one = root.GetProperty("targets")[0];
        Assert.Equal("gw | one", one.GetProperty("name").GetString());
        Assert.Equal(20, one.GetProperty("latency_ms").GetProperty("p50").GetDouble());
        Assert.Equal(3, one.GetProperty("latency_ms").GetProperty("count").GetInt32());
        Assert.Equal(20, one.GetProperty("queueing_ms").GetProperty("p99").GetDouble());
        Assert.Equal(1, one.GetProperty("status_counts").GetProperty("error:timeout").GetInt32());
        Assert.Equal(3, one.GetProperty("captured").GetProperty("X-Demo-Queue-Ms").GetProperty("max").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("targets")[1].GetProperty("queueing_ms").ValueKind);
        Assert.False(one.TryGetProperty("records", out _));

        // An empty summary has no numbers to give: null, never NaN (which is not JSON).
        Assert.Equal(JsonValueKind.Null, root.GetProperty("send_lag_ms").GetProperty("p99").ValueKind);
    }

    [Fact]
    public void ToJson_IncludeRequests_WritesEveryRecord()
    {
        using var json = JsonDocument.Parse(LoadReport.ToJson(Result(), includeRequests: true));

        var records = json.RootElement.GetProperty("targets")[0].GetProperty("records");
        Assert.Equal(4, records.GetArrayLength());
        Assert.Equal("timeout", records[3].GetProperty("error").GetString());
        Assert.Equal("app;dur=10", records[1].GetProperty("server_timing").GetString());
        Assert.Equal("2", records[1].GetProperty("captured")[0].GetString());
    }

    private static LoadResult Result()
    {
        var elapsed = TimeSpan.FromSeconds(2);
        var one = new TargetResult("gw | one",
        [
            RequestRecordTests.Record(10, "app;dur=10", ["1"], index: 0),
            RequestRecordTests.Record(20, "app;dur=10", ["2"], index: 1),
            RequestRecordTests.Record(30, "app;dur=10", ["3"], index: 2),
            RequestRecordTests.Record(60_000, null, [null], status: 0, error: "timeout", index: 3),
        ])
        { Elapsed = elapsed };
        var two = new TargetResult("two", [.. Enumerable.Range(0, 4).Select(i => RequestRecordTests.Record(5, null, [null], index: i))]) { Elapsed = elapsed };
        return new LoadResult([one, two], elapsed, 4)
        {
            StopReason = LoadStopReason.MaxRequests,
            CaptureHeaders = ["X-Demo-Queue-Ms"],
            Description = "test",
        };
    }
}
