using System.Net;
using System.Text.Json;
using Gateway.LoadBalancing;
using Gateway.LoadGen;
using Gateway.Tests.Metrics;

namespace Gateway.Tests.Integration;

/// <summary>Caps and queue bounds, against a real DemoUpstream process through a gateway on real Kestrel.</summary>
public sealed class ConcurrencyGateTests : IAsyncLifetime
{
    private ServerProcess _upstream = null!;

    public async Task InitializeAsync() =>
        _upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:Slots=12", "--Logging:LogLevel:Microsoft.AspNetCore=Warning");

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task DestinationLimit2_TenConcurrentRequests_UpstreamNeverSeesMoreThanTwoAndAllComplete()
    {
        using var config = Config(new() { [GatewayMetadata.ConcurrencyLimit] = "2" });
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient(LoadGenerator.CreateDefaultHandler());
        await ResetStatsAsync(client);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => client.GetAsync(new Uri(gateway.BaseAddress, $"/work/{i}?ms=100"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stats = await StatsAsync(client);
        Assert.Equal(2, stats.GetProperty("max_in_flight").GetInt32());
        Assert.All(responses, r => Assert.True(double.Parse(r.Headers.GetValues("X-Demo-Queue-Ms").Single()) < 5));
    }

    [Fact]
    public async Task QueueFull_RejectsOverflowWith503RetryAfterAndProblem()
    {
        using var config = Config(new() { [GatewayMetadata.ConcurrencyLimit] = "1", [GatewayMetadata.QueueLength] = "2" });
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        var gate = Gate(gateway);
        using var client = new HttpClient(LoadGenerator.CreateDefaultHandler());

        var running = client.GetAsync(new Uri(gateway.BaseAddress, "/a?ms=1500"));
        await Eventually.ValueAsync(() => InFlight(gate), n => n == 1, "the first request holds the only slot");
        var queued = new[] { client.GetAsync(new Uri(gateway.BaseAddress, "/b?ms=10")), client.GetAsync(new Uri(gateway.BaseAddress, "/c?ms=10")) };
        await Eventually.ValueAsync(() => gate.QueueLength, n => n == 2, "two requests wait in the queue");

        using var overflow = await client.GetAsync(new Uri(gateway.BaseAddress, "/d?ms=10"));

        await AssertProblemAsync(overflow, HttpStatusCode.ServiceUnavailable, "queue_full");
        Assert.Equal(TimeSpan.FromSeconds(1), overflow.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
        Assert.All(await Task.WhenAll(queued), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, gate.QueueLength);

        // Four requests reached the gate; the turned-away one never waited and is not a queue-wait sample.
        var metrics = await Exposition.ScrapeAsync(client, gateway.BaseAddress);
        Assert.Equal(3, metrics.Value("gateway_queue_wait_seconds_count", ("cluster", "test")));
        Assert.Equal(2, metrics.Value("gateway_queue_wait_seconds_bucket", ("cluster", "test"), ("le", "30")) -
            metrics.Value("gateway_queue_wait_seconds_bucket", ("cluster", "test"), ("le", "0.5")));

        // The gateway answered the overflow itself: no destination label value.
        Assert.Equal(1, metrics.Value("gateway_requests_total", ("code", "503"), ("destination", "")));
    }

    [Fact]
    public async Task QueueTimeout_RejectsWith503RetryAfterAndProblem()
    {
        using var config = Config(new() { [GatewayMetadata.ConcurrencyLimit] = "1", [GatewayMetadata.QueueTimeout] = "00:00:00.300" });
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        var gate = Gate(gateway);
        using var client = new HttpClient(LoadGenerator.CreateDefaultHandler());

        var running = client.GetAsync(new Uri(gateway.BaseAddress, "/a?ms=3000"));
        await Eventually.ValueAsync(() => InFlight(gate), n => n == 1, "the first request holds the only slot");
        using var timedOut = await client.GetAsync(new Uri(gateway.BaseAddress, "/b?ms=10"));

        await AssertProblemAsync(timedOut, HttpStatusCode.ServiceUnavailable, "queue_timeout");
        Assert.Equal(TimeSpan.FromSeconds(1), timedOut.Headers.RetryAfter?.Delta);
        Assert.False(running.IsCompleted, "the timeout must come from the queue, not from the running request finishing");
        Assert.Equal(0, gate.QueueLength);
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
    }

    [Fact]
    public async Task ClientAbortsWhileQueued_LeavesTheQueueAndFreesItsPlace()
    {
        using var config = Config(new() { [GatewayMetadata.ConcurrencyLimit] = "1", [GatewayMetadata.QueueLength] = "1" });
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        var gate = Gate(gateway);
        using var client = new HttpClient(LoadGenerator.CreateDefaultHandler());
        var running = client.GetAsync(new Uri(gateway.BaseAddress, "/a?ms=1500"));
        await Eventually.ValueAsync(() => InFlight(gate), n => n == 1, "the first request holds the only slot");

        using var abort = new CancellationTokenSource();
        var abandoned = client.GetAsync(new Uri(gateway.BaseAddress, "/b?ms=10"), abort.Token);
        await Eventually.ValueAsync(() => gate.QueueLength, n => n == 1, "the second request waits in the queue");
        await abort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await Eventually.ValueAsync(() => gate.QueueLength, n => n == 0, "the aborted request left the queue");

        // The place it held is free again: a new request queues instead of being turned away.
        var next = client.GetAsync(new Uri(gateway.BaseAddress, "/c?ms=10"));
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await next).StatusCode);
        Assert.Equal(0, gate.QueueLength);
        Assert.Equal(0, InFlight(gate));
    }

    private GatewayConfigFile Config(Dictionary<string, string> metadata) =>
        new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, [_upstream.BaseAddress], metadata: metadata);

    private static ClusterGate Gate(InProcessServer gateway) =>
        ((ClusterGateRegistry)gateway.Services.GetService(typeof(ClusterGateRegistry))!).Get("test");

    private static int InFlight(ClusterGate gate) => gate.Snapshot().Sum(d => d.InFlight);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
        Assert.Equal($"urn:gateway:problem:{reason}", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal("test", problem.RootElement.GetProperty("cluster").GetString());
    }

    private async Task ResetStatsAsync(HttpClient client) =>
        (await client.PostAsync(new Uri(_upstream.BaseAddress, "/demo/stats/reset"), null)).EnsureSuccessStatusCode();

    private async Task<JsonElement> StatsAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri(_upstream.BaseAddress, "/demo/stats"))).RootElement;
}
