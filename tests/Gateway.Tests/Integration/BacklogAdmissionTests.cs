using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Authentication;
using Gateway.Tests.Metrics;

namespace Gateway.Tests.Integration;

/// <summary>
/// Backlog backpressure and priority shedding against a real DemoUpstream with one worker, so a long job holds a
/// backlog whose age the upstream reports in <c>endpoint-load-metrics</c>. POST /billing/jobs is the enqueue route;
/// GET /billing/** (polls) is not. Each test starts its own gateway and upstream, so no state carries over.
/// </summary>
public sealed class BacklogAdmissionTests : IAsyncLifetime
{
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(60) };
    private ServerProcess _upstream = null!;
    private GatewayConfigFile _config = null!;
    private InProcessServer _gateway = null!;

    public async Task InitializeAsync() => _upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:Jobs:Concurrency=1");

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _upstream.DisposeAsync();
        _config?.Dispose();
    }

    [Fact]
    public async Task TenantBacklogOlderThanTheSlo_ShrinksItsRate_AndTheRateRecoversOnceTheBacklogDrains()
    {
        // Class default: SLO 300 ms. acme: 20/s, burst 40. No shedding within the test (interval of an hour).
        await StartGatewayAsync(c => c
            .Set("Gateway:Admission:Classes:default:Slo", JsonValue.Create("00:00:00.3"))
            .Set("Gateway:Admission:Backpressure:ShedInterval", JsonValue.Create("01:00:00")));
        var acme = Jobs("acme");

        var blocker = await acme.EnqueueAcceptedAsync(new { work_ms = 2500 });
        var waiting = await acme.EnqueueAcceptedAsync(new { work_ms = 10 }); // Behind the blocker: backlog.

        // 50 ms over 1.2 s: a timer can fire a millisecond early and the upstream reports whole milliseconds, truncated,
        // so a wait of exactly 1.2 s was once reported as 1199 ms (rate 5.004/s, over the bound below).
        await Task.Delay(1250);
        var reported = await acme.EnqueueAcceptedAsync(new { work_ms = 10 }); // Its response reports an age ≥ 1.2 s.
        using var reduced = await acme.EnqueueAsync(new { work_ms = 10 });

        // 20/s × 300 ms / age, with age ≥ 1200 ms: at most 5/s, and never below the floor of 2/s.
        Assert.Equal(HttpStatusCode.Accepted, reduced.StatusCode);
        var metrics = await Exposition.ScrapeAsync(_client, _gateway.BaseAddress);
        var rate = metrics.Value("gateway_admission_effective_rate", ("tenant", "acme"));
        Assert.InRange(rate, 2, 5);
        Assert.True(metrics.Value("gateway_admission_backlog_age_seconds", ("tenant", "acme")) >= 1.2);
        Assert.Equal($"\"tenant\";q=40;w={Math.Ceiling(40 / rate).ToString(CultureInfo.InvariantCulture)}", reduced.Headers.GetValues("RateLimit-Policy").Single());

        // Drained: every job done, the next enqueue starts at once and reports no backlog; the one after gets 20/s.
        await acme.WaitForTerminalAsync(JsonDocument.Parse(await reduced.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!, TimeSpan.FromSeconds(30));
        foreach (var id in new[] { blocker, waiting, reported })
        {
            await acme.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30));
        }

        await acme.EnqueueAcceptedAsync(new { work_ms = 10 });
        using var recovered = await acme.EnqueueAsync(new { work_ms = 10 });

        Assert.Equal(HttpStatusCode.Accepted, recovered.StatusCode);
        Assert.Equal("\"tenant\";q=40;w=2", recovered.Headers.GetValues("RateLimit-Policy").Single());
        metrics = await Exposition.ScrapeAsync(_client, _gateway.BaseAddress);
        Assert.Equal(20, metrics.Value("gateway_admission_effective_rate", ("tenant", "acme")));
    }

    [Fact]
    public async Task ClassBacklogOlderThanItsSlo_ShedsTheLowClassWith503_WhileHigherClassesAreAdmitted_ThenItComesBack()
    {
        // Low: SLO 300 ms. High and default keep a minute. A shedding decision at most every 300 ms.
        await StartGatewayAsync(c => c
            .Set("Gateway:Admission:Classes:low:Slo", JsonValue.Create("00:00:00.3"))
            .Set("Gateway:Admission:Classes:default:Slo", JsonValue.Create("00:01:00"))
            .Set("Gateway:Admission:Classes:high:Slo", JsonValue.Create("00:01:00"))
            .Set("Gateway:Admission:Backpressure:ShedInterval", JsonValue.Create("00:00:00.3")));
        var acme = Jobs("acme");
        var low = ("X-Priority-Class", "low");

        await acme.EnqueueAcceptedAsync(new { work_ms = 2000, priority = "low" }, low);
        await acme.EnqueueAcceptedAsync(new { work_ms = 10, priority = "low" }, low);
        await Task.Delay(1200);
        await acme.EnqueueAcceptedAsync(new { work_ms = 10, priority = "low" }, low); // Reports low's backlog ≥ 1.2 s.
        await Task.Delay(400);

        using var shed = await acme.EnqueueAsync(new { work_ms = 10, priority = "low" }, low);
        using var admitted = await acme.EnqueueAsync(new { work_ms = 10, priority = "default" }, ("X-Priority-Class", "default"));
        using var high = await acme.EnqueueAsync(new { work_ms = 10, priority = "high" }, ("X-Priority-Class", "high"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.Equal("application/problem+json", shed.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await shed.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("overloaded", problem.GetProperty("reason").GetString());
        Assert.Equal("acme", problem.GetProperty("tenant").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), shed.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Accepted, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, high.StatusCode);
        var metrics = await Exposition.ScrapeAsync(_client, _gateway.BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_admission_shed_level", ("cluster", "billing")));
        Assert.Equal(1, metrics.Value("gateway_admission_decisions_total", ("tenant", "acme"), ("outcome", "rejected"), ("reason", "overloaded")));

        // Admitted classes are well within their SLOs, so after another interval low is admitted again.
        await Task.Delay(400);
        using var back = await acme.EnqueueAsync(new { work_ms = 10, priority = "low" }, low);
        Assert.Equal(HttpStatusCode.Accepted, back.StatusCode);
    }

    [Fact]
    public async Task UnknownClassInTheHeader_Gets400NamingIt_AndTheRouteClassAppliesWithoutTheHeader()
    {
        await StartGatewayAsync(c => c
            .Set("ReverseProxy:Routes:billing:Metadata:Gateway.PriorityClass", JsonValue.Create("low"))
            .Set("Gateway:Admission:Classes:low:Slo", JsonValue.Create("00:00:00.3"))
            .Set("Gateway:Admission:Backpressure:ShedInterval", JsonValue.Create("00:00:00.3")));
        var acme = Jobs("acme");

        using var bad = await acme.EnqueueAsync(new { work_ms = 10 }, ("X-Priority-Class", "urgent"));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("invalid_priority_class", problem.GetProperty("reason").GetString());
        Assert.Contains("'urgent'", problem.GetProperty("detail").GetString());

        // Without the header the route's class (low, SLO 300 ms) applies: its old backlog sheds it.
        await acme.EnqueueAcceptedAsync(new { work_ms = 2000, priority = "low" });
        await acme.EnqueueAcceptedAsync(new { work_ms = 10, priority = "low" });
        await Task.Delay(1200);
        await acme.EnqueueAcceptedAsync(new { work_ms = 10, priority = "low" });
        await Task.Delay(400);
        using var shed = await acme.EnqueueAsync(new { work_ms = 10, priority = "low" });
        using var high = await acme.EnqueueAsync(new { work_ms = 10, priority = "high" }, ("X-Priority-Class", "high"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, high.StatusCode);
    }

    private async Task StartGatewayAsync(Func<GatewayConfigFile, GatewayConfigFile> configure)
    {
        _config = configure(new GatewayConfigFile()
            .AddCluster("billing", GatewayPolicies.LeastOutstanding, [_upstream.BaseAddress], pathPrefix: "billing")
            .Set("ReverseProxy:Routes:billing:Match:Methods", new JsonArray("POST"))
            .Set("ReverseProxy:Routes:billing:Metadata:Gateway.Enqueue", JsonValue.Create("true"))
            .Set("ReverseProxy:Routes:billing-read", new JsonObject
            {
                ["ClusterId"] = "billing",
                ["Match"] = new JsonObject { ["Path"] = "/billing/{**rest}", ["Methods"] = new JsonArray("GET") },
                ["Transforms"] = new JsonArray(new JsonObject { ["PathRemovePrefix"] = "/billing" }),
            })
            .Set("Gateway:Authentication:HmacKey", JsonValue.Create(TestTokens.HmacKey))
            .Set("Gateway:Admission:Tenants:acme:RatePerSecond", JsonValue.Create(20))
            .Set("Gateway:Admission:Tenants:acme:Burst", JsonValue.Create(40)));
        _gateway = await InProcessGateway.StartAsync(_config.Write());
    }

    private JobsClient Jobs(string tenant) => new(_client, new Uri(_gateway.BaseAddress, "/billing/"))
    {
        Token = TestTokens.Hs256(new Dictionary<string, object> { ["tenant"] = tenant }),
    };
}
