using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.LoadBalancing;
using Xunit.Abstractions;

namespace Gateway.Tests.Integration;

/// <summary>
/// Nothing accepted is lost: 10,000 enqueues through the gateway into a real DemoUpstream process, which gets SIGTERM
/// halfway. Every 202 must end in exactly one terminal state in the job journal; everything else was refused.
/// </summary>
public sealed class JobsShutdownTests(ITestOutputHelper output)
{
    private const int Total = 10_000;
    private const int SigtermAfter = 5_000;

    [Fact]
    public async Task SigtermUnderLoad_EveryAcceptedJobEndsTerminalAndTheRestAreRefused()
    {
        var journal = Path.Combine(Path.GetTempPath(), $"jobs-journal-{Guid.NewGuid():N}.jsonl");
        // Workers slower than the arrivals, so a backlog (and some qdelay-invisible jobs) is still queued at SIGTERM and
        // the 3 s grace ends with jobs to dead-letter.
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync(
            "--DemoUpstream:Jobs:Concurrency=4", "--DemoUpstream:Jobs:ShutdownGrace=00:00:03", $"--DemoUpstream:Jobs:JournalPath={journal}");
        using var config = new GatewayConfigFile().AddCluster("jobs", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress]);
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { Timeout = TimeSpan.FromSeconds(60) };
        var accepted = new ConcurrentBag<string>();
        var refused = new ConcurrentDictionary<string, int>();
        var sent = 0;
        Task<int>? terminated = null;

        try
        {
            await Parallel.ForAsync(0, Total, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                var body = new { work_ms = 10, priority = (i % 3) switch { 0 => "high", 1 => "default", _ => "low" } };
                var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.BaseAddress, "/jobs")) { Content = JsonContent.Create(body) };
                if (i % 10 == 0)
                {
                    request.Headers.Add("X-Tenant-Id", "ignored"); // Stripped by the gateway: jobs land on 'anonymous'.
                }

                using var response = await client.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add(JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!);
                }
                else
                {
                    refused.AddOrUpdate(Describe(response, text), 1, (_, n) => n + 1);
                }

                if (Interlocked.Increment(ref sent) == SigtermAfter)
                {
                    terminated = upstream.TerminateAsync(TimeSpan.FromSeconds(60));
                }
            });
        }
        finally
        {
            Assert.NotNull(terminated);
            Assert.Equal(0, await terminated!);
        }

        var lines = File.ReadAllLines(journal).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        File.Delete(journal);
        var terminal = lines.GroupBy(l => l.GetProperty("id").GetString()!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(terminal, entry => Assert.Single(entry.Value)); // Exactly one terminal line per job.
        Assert.All(terminal.Values.Select(v => v[0].GetProperty("status").GetString()), s => Assert.Contains(s, new[] { "succeeded", "failed", "dead-lettered" }));
        var lost = accepted.Where(id => !terminal.ContainsKey(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} accepted jobs have no terminal state, e.g. {string.Join(", ", lost.Take(3))}");
        Assert.Equal(Total, accepted.Count + refused.Values.Sum());

        // Refusals: 503 while draining, then the gateway's own answer once the upstream has gone. Nothing else.
        Assert.True(refused.GetValueOrDefault("503 shutting_down") > 0, $"Refusals: {string.Join(", ", refused)}");
        Assert.Empty(refused.Keys.Except(["503 shutting_down", "502 upstream_error", "503 no_available_destinations"]));
        Assert.Contains(lines, l => l.GetProperty("reason").GetString() == "shutdown");
        output.WriteLine(
            $"accepted {accepted.Count}, refused {string.Join(", ", refused.Select(r => $"{r.Value} {r.Key}"))}; journal: " +
            string.Join(", ", lines.GroupBy(l => $"{l.GetProperty("status").GetString()}/{l.GetProperty("reason").GetString() ?? "-"}").Select(g => $"{g.Count()} {g.Key}")));
        Assert.True(accepted.Count >= SigtermAfter / 2, $"Only {accepted.Count} accepted before the drain");
    }

    private static string Describe(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"{status} (no problem body)";
        }

        var reason = JsonDocument.Parse(body).RootElement.GetProperty("reason").GetString();
        // DemoUpstream's drain refusal must say when to come back.
        return reason == "shutting_down" && response.Headers.RetryAfter is null ? $"{status} {reason} without Retry-After" : $"{status} {reason}";
    }
}
