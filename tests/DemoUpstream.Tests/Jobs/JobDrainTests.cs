using System.Net;
using System.Text.Json;
using DemoUpstream.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobDrainTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("jobs-drain-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task StopApplication_WithHundredsOfJobs_RefusesNewOnesServesGetsAndJournalsEveryAcceptedJobExactlyOnce()
    {
        var journal = Path.Combine(_directory, "journal.jsonl");
        var server = await JobsServer.StartAsync(new Dictionary<string, string?>
        {
            ["DemoUpstream:Jobs:JournalPath"] = journal,
            ["DemoUpstream:Jobs:ShutdownGrace"] = "00:00:01.500",
            ["DemoUpstream:Jobs:RetryBaseDelay"] = "00:00:00.010",
        });
        var accepted = new List<string>();
        Task? stopping = null;
        try
        {
            using var client = server.CreateClient();

            // Quick jobs finish in the drain; some fail once and are retried; some have children. Jobs delayed a
            // minute and one that works a minute cannot finish in the grace, so they are dead-lettered.
            var posts = Enumerable.Range(0, 300).Select(i => JobsHttp.EnqueueAsync(
                client,
                (i % 10) switch
                {
                    0 => """{ "work_ms": 2, "fail_attempts": 1 }""",
                    1 => """{ "work_ms": 1, "children": 2, "priority": "low" }""",
                    _ => """{ "work_ms": 2, "priority": "high" }""",
                },
                tenant: $"t{i % 7}",
                baggage: i % 30 == 3 ? "qdelay.ms=60000" : null));
            accepted.AddRange(await Task.WhenAll(posts));
            var longRunning = await JobsHttp.EnqueueAsync(client, """{ "work_ms": 60000 }""");
            accepted.Add(longRunning);
            var scheduler = server.Services.GetRequiredService<JobScheduler>();
            await Eventually.ValueAsync(() => scheduler.Find(longRunning)?.Status, status => status == JobStatus.Running, "the minute-long job started");

            // SIGTERM raises ApplicationStopping, then the host stops; both are under way while the requests below run.
            server.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            stopping = server.DisposeAsync().AsTask();

            // POSTs are refused at once, while the server goes on answering through the drain.
            var (refused, problem) = await JobsHttp.PostAsync(client);
            using (refused)
            {
                JobsHttp.AssertProblem(refused, problem, HttpStatusCode.ServiceUnavailable, "shutting_down");
                Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            }

            var (during, status) = await JobsHttp.GetAsync(client, longRunning);
            using (during)
            {
                Assert.Equal(HttpStatusCode.OK, during.StatusCode);
                Assert.Equal("running", status.GetProperty("status").GetString());
            }

            Assert.False(stopping.IsCompleted, "the host stopped before the shutdown grace ended");
        }
        finally
        {
            await (stopping ?? server.DisposeAsync().AsTask());
        }

        var lines = File.ReadAllLines(journal).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var byId = lines.GroupBy(l => l.GetProperty("id").GetString()!).ToDictionary(g => g.Key, g => g.ToList());

        Assert.All(byId, entry => Assert.Single(entry.Value));
        Assert.All(accepted, id => Assert.True(byId.ContainsKey(id), $"accepted job {id} has no journal line"));

        // Children were accepted too (their parents had been): 30 parents × 2.
        Assert.Equal(accepted.Count + 60, lines.Count);
        Assert.All(lines, l => Assert.Contains(l.GetProperty("status").GetString(), new[] { "succeeded", "dead-lettered" }));
        var deadLettered = lines.Where(l => l.GetProperty("status").GetString() == "dead-lettered").ToList();
        Assert.All(deadLettered, l => Assert.Equal(JobReasons.Shutdown, l.GetProperty("reason").GetString()));
        var delayed = Enumerable.Range(0, 300).Where(i => i % 30 == 3).Select(i => accepted[i]).ToHashSet();
        Assert.Equal(delayed.Append(accepted[^1]).Order(), deadLettered.Select(l => l.GetProperty("id").GetString()!).Order());
        Assert.Equal(1, byId[accepted[^1]][0].GetProperty("attempts").GetInt32());
        Assert.All(delayed, id => Assert.Equal(0, byId[id][0].GetProperty("attempts").GetInt32()));
        Assert.All(
            accepted.Where((_, i) => i < 300 && i % 10 == 0 && !delayed.Contains(accepted[i])),
            id => Assert.Equal(2, byId[id][0].GetProperty("attempts").GetInt32()));
    }
}
