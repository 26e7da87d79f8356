using System.Net;
using System.Text.Json;
using DemoUpstream.Slots;
using Microsoft.Extensions.DependencyInjection;

namespace DemoUpstream.Tests.Work;

[Collection(SerialTimingCollection.Name)]
public sealed class SimulatedWorkEndpointsTests
{
    // On Linux, .NET timers run on CLOCK_MONOTONIC_COARSE (one kernel tick: 4 ms at HZ=250, 10 ms at HZ=100),
    // so Task.Delay can end that much early by the high-resolution clock Server-Timing is measured with.
    private const double CoarseTimerSlackMs = 10;

    private static async Task<JsonElement> GetStatsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/demo/stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task MapSimulatedWork_OneSlotOnRealKestrel_HonoursHeadersQueueingValidationAndStats()
    {
        await using var server = await DemoUpstreamServer.StartAsync(new Dictionary<string, string?> { ["DemoUpstream:Slots"] = "1" });
        using var client = server.CreateClient();
        using var otherClient = server.CreateClient();

        // Any path is simulated work, and all three contract headers parse.
        using (var response = await client.GetAsync("/anything?ms=50"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var headers = ContractHeaders.Parse(response);
            Assert.True(headers.ServerTimingMs >= 50 - CoarseTimerSlackMs, $"Server-Timing dur {headers.ServerTimingMs} < 50");
            Assert.Equal(1, headers.InFlight);
            Assert.Equal(1, headers.Limit);
            // Alone on a free slot: no local queueing to speak of.
            Assert.InRange(headers.QueueMs, 0, 25);
        }

        // Opens the second client's connection now, so both concurrent requests below arrive together.
        (await otherClient.GetAsync("/warm?ms=0")).Dispose();

        // Two at once on one slot: the second waits out the first, and says so.
        var concurrent = await Task.WhenAll(client.GetAsync("/a?ms=200"), otherClient.GetAsync("/b?ms=200"));
        var timings = concurrent.Select(r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return ContractHeaders.Parse(r);
        }).ToArray();
        foreach (var response in concurrent)
        {
            response.Dispose();
        }

        var queued = string.Join(", ", timings.Select(t => t.QueueMs));
        Assert.True(timings.Max(t => t.QueueMs) >= 150, $"queue ms {queued}: nobody queued");
        Assert.True(timings.Min(t => t.QueueMs) < 150, $"queue ms {queued}: both queued");
        Assert.All(timings, t => Assert.True(t.ServerTimingMs >= 200 - CoarseTimerSlackMs, $"Server-Timing dur {t.ServerTimingMs} < 200"));

        using (var bad = await client.GetAsync("/anything?ms=abc"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            Assert.False(bad.Headers.Contains("Server-Timing"));
        }

        var stats = await GetStatsAsync(client);
        Assert.Equal(1, stats.GetProperty("slots").GetInt32());
        Assert.Equal(0, stats.GetProperty("busy").GetInt32());
        Assert.Equal(0, stats.GetProperty("queue_length").GetInt32());
        Assert.Equal(2, stats.GetProperty("max_in_flight").GetInt32());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("600001")]
    [InlineData("NaN")]
    [InlineData("")]
    public async Task ServeAsync_BadMsOverride_Returns400ProblemWithoutTakingASlot(string ms)
    {
        await using var server = await DemoUpstreamServer.StartAsync(new Dictionary<string, string?> { ["DemoUpstream:Slots"] = "2" });
        using var client = server.CreateClient();

        using var response = await client.GetAsync($"/x?ms={Uri.EscapeDataString(ms)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("'ms'", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, server.Services.GetRequiredService<SlotPool>().MaxInFlight);
    }

    [Fact]
    public async Task ServeAsync_QueuedBehindOneSlot_ReportsExactQueueAndServiceTimeOnFakeClock()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await DemoUpstreamServer.StartAsync(
            new Dictionary<string, string?> { ["DemoUpstream:Slots"] = "1" },
            services => services.AddSingleton<TimeProvider>(time));
        using var client = server.CreateClient();
        var pool = server.Services.GetRequiredService<SlotPool>();

        var first = client.GetAsync("/first?ms=100");
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(100));
        var second = client.GetAsync("/second?ms=100");
        await Eventually.ValueAsync(() => pool.QueueLength, queued => queued == 1, "the second request waits for the slot");

        time.Advance(TimeSpan.FromMilliseconds(100));
        using var firstResponse = await first;
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(100));
        time.Advance(TimeSpan.FromMilliseconds(100));
        using var secondResponse = await second;

        Assert.Equal(new ContractHeaders(ServerTimingMs: 100, InFlight: 2, Limit: 1, QueueMs: 0), ContractHeaders.Parse(firstResponse));
        Assert.Equal(new ContractHeaders(ServerTimingMs: 100, InFlight: 1, Limit: 1, QueueMs: 100), ContractHeaders.Parse(secondResponse));
        using var body = JsonDocument.Parse(await secondResponse.Content.ReadAsStringAsync());
        Assert.Equal("/second", body.RootElement.GetProperty("path").GetString());
        Assert.Equal(100, body.RootElement.GetProperty("queue_ms").GetDouble());
        Assert.Equal(100, body.RootElement.GetProperty("app_ms").GetDouble());
    }

    [Fact]
    public async Task ServeAsync_NoMsOverride_SleepsTheConfiguredServiceTime()
    {
        var time = new TimerWatchingTimeProvider();
        await using var server = await DemoUpstreamServer.StartAsync(
            new Dictionary<string, string?> { ["DemoUpstream:ServiceTime"] = "const:30ms", ["DemoUpstream:ServiceName"] = "orders" },
            services => services.AddSingleton<TimeProvider>(time));
        using var client = server.CreateClient();

        var request = client.GetAsync("/orders/1");
        await time.WaitForTimerAsync(TimeSpan.FromMilliseconds(30));
        time.Advance(TimeSpan.FromMilliseconds(30));
        using var response = await request;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(30, ContractHeaders.Parse(response).ServerTimingMs);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("orders", body.RootElement.GetProperty("service").GetString());
        Assert.Equal("/orders/1", body.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public async Task StatsReset_AfterPeak_ResetsMaxInFlightToCurrent()
    {
        await using var server = await DemoUpstreamServer.StartAsync(new Dictionary<string, string?> { ["DemoUpstream:Slots"] = "3" });
        using var client = server.CreateClient();
        (await client.GetAsync("/warm?ms=0")).Dispose();
        Assert.Equal(1, (await GetStatsAsync(client)).GetProperty("max_in_flight").GetInt32());

        using var reset = await client.PostAsync("/demo/stats/reset", content: null);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        var stats = await GetStatsAsync(client);
        Assert.Equal(0, stats.GetProperty("max_in_flight").GetInt32());
        Assert.Equal(3, stats.GetProperty("slots").GetInt32());
    }

    [Fact]
    public async Task Healthz_WhileSlotsAreBusy_Answers200WithTheLoadReportWithoutTakingASlot()
    {
        await using var server = await DemoUpstreamServer.StartAsync(new Dictionary<string, string?> { ["DemoUpstream:Slots"] = "1" });
        using var client = server.CreateClient();
        using var otherClient = server.CreateClient();
        var busy = client.GetAsync("/busy?ms=1000");
        var slots = server.Services.GetRequiredService<SlotPool>();
        await Eventually.ValueAsync(() => slots.Busy, busy => busy == 1, "the busy request holds the slot");

        using var health = await otherClient.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("TEXT named_metrics.inflight=1, named_metrics.limit=1", health.Headers.GetValues("endpoint-load-metrics").Single());
        Assert.False(busy.IsCompleted, "the probe must not wait for the busy slot");
        Assert.Equal(1, slots.MaxInFlight);
        (await busy).Dispose();
    }

    [Fact]
    public async Task Overload_ForSomeSeconds_ShedsWorkWith503RetryAfterUntilSwitchedOff()
    {
        await using var server = await DemoUpstreamServer.StartAsync(new Dictionary<string, string?> { ["DemoUpstream:Slots"] = "2" });
        using var client = server.CreateClient();

        using (var on = await client.PostAsync("/demo/overload?seconds=30", content: null))
        {
            Assert.Equal(HttpStatusCode.NoContent, on.StatusCode);
        }

        using (var shed = await client.GetAsync("/work?ms=1"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
            Assert.InRange(shed.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 29, 30);
            Assert.Equal(0, server.Services.GetRequiredService<SlotPool>().MaxInFlight);
        }

        // Health probes still pass: an overloaded upstream is alive.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        (await client.PostAsync("/demo/overload?seconds=0", content: null)).Dispose();
        using var served = await client.GetAsync("/work?ms=1");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("3601")]
    public async Task Overload_BadSeconds_Returns400Problem(string seconds)
    {
        await using var server = await DemoUpstreamServer.StartAsync(new Dictionary<string, string?>());
        using var client = server.CreateClient();

        using var response = await client.PostAsync($"/demo/overload?seconds={Uri.EscapeDataString(seconds)}", content: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/work?ms=1")).StatusCode);
    }
}
