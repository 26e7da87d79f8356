using System.Net;

namespace DemoUpstream.Tests.Work;

public sealed class MetricsFirstScrapeTests
{
    [Fact]
    public async Task FirstScrape_AfterRequestsMadeBeforeAnyScrape_CountsEveryOne()
    {
        const int N = 25;
        await using var server = await DemoUpstreamServer.StartAsync(new Dictionary<string, string?>());
        using var client = server.CreateClient();
        for (var i = 0; i < N; i++)
        {
            using var response = await client.GetAsync("/work?ms=0");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // DemoUpstream records a request before answering it, so this first scrape must already hold all N.
        var text = await client.GetStringAsync("/metrics");

        Assert.Contains($"demo_requests_total{{code=\"200\",service=\"demo\"}} {N}\n", text, StringComparison.Ordinal);
        Assert.Contains($"demo_service_duration_seconds_count{{service=\"demo\"}} {N}\n", text, StringComparison.Ordinal);
        Assert.Contains($"demo_queue_wait_seconds_bucket{{service=\"demo\",le=\"+Inf\"}} {N}\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE demo_slots_capacity gauge\n", text, StringComparison.Ordinal);
    }
}
