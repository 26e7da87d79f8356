using DemoUpstream.Jobs;
using DemoUpstream.Tests.Work;
using Microsoft.Extensions.DependencyInjection;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobBacklogHeaderTests
{
    [Fact]
    public async Task Post_BusyWorkerAndSeveralTenants_ReportsQueueAndTenantBacklogInTheOrcaHeader()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await JobsServer.StartAsync(
            new Dictionary<string, string?> { ["DemoUpstream:Jobs:Concurrency"] = "1" },
            services => services.AddSingleton<TimeProvider>(time));
        using var client = server.CreateClient();
        var scheduler = server.Services.GetRequiredService<JobScheduler>();

        async Task<string> PostAsync(string tenant, string json = """{ "work_ms": 0 }""", string? baggage = null)
        {
            var (response, _) = await JobsHttp.PostAsync(client, json, tenant, baggage);
            using (response)
            {
                return JobsHttp.Header(response, "endpoint-load-metrics");
            }
        }

        // The only worker is kept busy, so what follows waits in the queue.
        await PostAsync("a", """{ "work_ms": 600000 }""");
        await Eventually.ValueAsync(() => scheduler.ReadStats().Sum(s => s.Running), running => running == 1, "the worker took the first job");

        var first = await PostAsync("a");
        time.Advance(TimeSpan.FromMilliseconds(250));
        var otherTenant = await PostAsync("b");
        var delayed = await PostAsync("a", baggage: "qdelay.ms=60000");
        var otherQueue = await PostAsync("a", """{ "priority": "high" }""");

        Assert.Equal(
            "TEXT named_metrics.backlog=1, named_metrics.backlog_age_ms=0, named_metrics.tenant_backlog=1, named_metrics.tenant_backlog_age_ms=0",
            first);
        Assert.Equal(
            "TEXT named_metrics.backlog=2, named_metrics.backlog_age_ms=250, named_metrics.tenant_backlog=1, named_metrics.tenant_backlog_age_ms=0",
            otherTenant);

        // Counts include the job not yet visible; ages only count visible jobs.
        Assert.Equal(
            "TEXT named_metrics.backlog=3, named_metrics.backlog_age_ms=250, named_metrics.tenant_backlog=2, named_metrics.tenant_backlog_age_ms=250",
            delayed);
        Assert.Equal(
            "TEXT named_metrics.backlog=1, named_metrics.backlog_age_ms=0, named_metrics.tenant_backlog=1, named_metrics.tenant_backlog_age_ms=0",
            otherQueue);
    }
}
