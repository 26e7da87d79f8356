namespace DemoUpstream.Tests.Jobs;

public sealed class JobMetricsScrapeTests
{
    [Fact]
    public async Task GetMetrics_AfterJobs_ExposesEveryJobsSeriesWithServiceAndQueueLabels()
    {
        await using var server = await JobsServer.StartAsync(new Dictionary<string, string?> { ["DemoUpstream:ServiceName"] = "orders" });
        using var client = server.CreateClient();
        var parent = await JobsHttp.WaitFinishedAsync(
            client, await JobsHttp.EnqueueAsync(client, """{ "work_ms": 0, "children": 1 }""", baggage: "qdelay.ms=soon"));
        await JobsHttp.WaitFinishedAsync(client, parent.GetProperty("children")[0].GetString()!);
        var failed = await JobsHttp.WaitFinishedAsync(
            client, await JobsHttp.EnqueueAsync(client, """{ "work_ms": 0, "fail": "permanent", "priority": "low" }"""));

        var text = await client.GetStringAsync("/metrics");

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        string[] expected =
        [
            "demo_jobs_enqueued_total{origin=\"request\",queue=\"default\",service=\"orders\"} 1\n",
            "demo_jobs_enqueued_total{origin=\"child\",queue=\"default\",service=\"orders\"} 1\n",
            "demo_jobs_enqueued_total{origin=\"request\",queue=\"low\",service=\"orders\"} 1\n",
            "demo_jobs_finished_total{outcome=\"succeeded\",queue=\"default\",reason=\"none\",service=\"orders\"} 2\n",
            "demo_jobs_finished_total{outcome=\"failed\",queue=\"low\",reason=\"permanent\",service=\"orders\"} 1\n",
            // The child carries the same baggage, so its entry is ignored (and counted) again.
            "demo_jobs_qdelay_invalid_total{entry=\"ms\",queue=\"default\",service=\"orders\"} 2\n",
            "demo_jobs_first_attempt_age_seconds_count{queue=\"default\",service=\"orders\"} 2\n",
            "demo_jobs_first_attempt_age_seconds_bucket{queue=\"low\",service=\"orders\",le=\"+Inf\"} 1\n",
            "demo_jobs_oldest_age_seconds{queue=\"high\",service=\"orders\"} 0\n",
            "demo_jobs_queued{queue=\"low\",service=\"orders\"} 0\n",
            "demo_jobs_running{queue=\"default\",service=\"orders\"} 0\n",
            "# TYPE demo_jobs_oldest_age_seconds gauge\n",
            "# TYPE demo_jobs_first_attempt_age_seconds histogram\n",
        ];
        Assert.All(expected, line => Assert.Contains(line, text, StringComparison.Ordinal));
    }
}
