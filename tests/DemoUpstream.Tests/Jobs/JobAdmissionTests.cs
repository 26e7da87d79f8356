using System.Net;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobAdmissionTests
{
    [Fact]
    public async Task Post_MaxQueuedReached_Returns503WithRetryAfterUntilAJobLeaves()
    {
        await using var server = await JobsServer.StartAsync(new Dictionary<string, string?> { ["DemoUpstream:Jobs:MaxQueued"] = "2" });
        using var client = server.CreateClient();
        await JobsHttp.EnqueueAsync(client, baggage: "qdelay.ms=60000");
        await JobsHttp.EnqueueAsync(client, baggage: "qdelay.ms=60000");

        var (response, problem) = await JobsHttp.PostAsync(client);

        using (response)
        {
            JobsHttp.AssertProblem(response, problem, HttpStatusCode.ServiceUnavailable, "queue_full");
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            Assert.Contains("DemoUpstream:Jobs:MaxQueued", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }
}
