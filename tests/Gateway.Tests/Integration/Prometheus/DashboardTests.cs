using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.LoadGen;
using Gateway.Tests.Authentication;
using Gateway.Tests.Metrics;

namespace Gateway.Tests.Integration.Prometheus;

/// <summary>
/// dashboards/gateway.json against real processes: a gateway and a DemoUpstream serve /metrics, a real Prometheus
/// scrapes them while traffic (including queue-full rejections) flows, and every panel's query must return data.
/// </summary>
public sealed class DashboardTests
{
    /// <summary>The gateway's metric families as Prometheus sees them (README, Metrics); histograms without suffix.</summary>
    private static readonly string[] GatewayContract =
    [
        "gateway_requests_total",
        "gateway_request_duration_seconds",
        "gateway_queue_wait_seconds",
        "gateway_queue_length",
        "gateway_upstream_duration_seconds",
        "gateway_upstream_reported_duration_seconds",
        "gateway_upstream_local_queue_seconds",
        "gateway_destination_inflight",
        "gateway_destination_concurrency_limit",
        "gateway_upstream_header_errors_total",
        "gateway_upstream_connections_opened_total",
        "gateway_upstream_connect_duration_seconds",
        "gateway_auth_rejected_total",
        "gateway_qdelay_requests_total",
        "gateway_qdelay_stripped_total",
        "gateway_baggage_dropped_total",
        "gateway_upstream_failures_total",
        "gateway_upstream_retries_total",
        "gateway_destination_ejections_total",
        "gateway_destination_recoveries_total",
        "gateway_destination_hold_backs_total",
        "gateway_destination_ejected",
        "gateway_destination_unhealthy",
    ];

    private static readonly string QdelayToken = TestTokens.Hs256(new Dictionary<string, object> { ["qdelay"] = 5 });
    private static readonly string TenantToken = TestTokens.Hs256(new Dictionary<string, object> { ["tenant"] = "acme" });
    private static readonly string ForgedToken = TestTokens.Hs256(new Dictionary<string, object> { ["qdelay"] = 5 }, key: "a-key-the-gateway-does-not-know-32-bytes");

    private static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(1);

    private static string DashboardPath => Path.Combine(RepoLayout.Root, "dashboards", "gateway.json");

    [Fact]
    public void Dashboard_IsWellFormed_CoversTheGatewayMetricsAndHasATenantRow()
    {
        var dashboard = DashboardQueries.Load(DashboardPath);

        Assert.Equal("gateway", (string?)dashboard.Root["uid"]);
        Assert.Contains(dashboard.Panels, p => (string?)p["type"] == "row" && ((string?)p["title"] ?? "").Contains("Tenant", StringComparison.Ordinal));
        Assert.All(dashboard.Targets, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.RefId), $"a target of panel '{t.Panel}' has no refId");
            Assert.False(string.IsNullOrWhiteSpace(t.Expr), $"target {t.RefId} of panel '{t.Panel}' has no expr");
        });
        Assert.All(dashboard.Panels.GroupBy(p => (int?)p["id"]), g => Assert.Single(g));

        // Bound to the datasource variable, not to one Grafana's datasource uid, so it imports anywhere.
        Assert.All(dashboard.Panels.Where(p => p["targets"] is not null), p =>
            Assert.True((string?)p["datasource"]?["uid"] == "${datasource}", $"panel '{p["title"]}' is not on ${{datasource}}"));

        // "All" must mean every value, including series without the label's value in the variable's list.
        Assert.All(dashboard.Root["templating"]!["list"]!.AsArray().Where(v => (string?)v?["type"] == "query"), v =>
        {
            Assert.True((bool?)v!["includeAll"] == true && (bool?)v["multi"] == true, $"variable {v["name"]} is not multi-value with All");
            Assert.Equal(".*", (string?)v["allValue"]);
        });

        var referenced = dashboard.Targets.SelectMany(t => DashboardQueries.MetricNames(t.Expr ?? "")).ToHashSet(StringComparer.Ordinal);
        var missing = GatewayContract
            .Where(family => !new[] { "", "_bucket", "_sum", "_count" }.Any(suffix => referenced.Contains(family + suffix)))
            .ToList();
        Assert.True(missing.Count == 0, "the dashboard never queries: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task EveryDashboardQuery_AfterTrafficScrapedByPrometheus_ReturnsData()
    {
        var dashboard = DashboardQueries.Load(DashboardPath);
        await using var upstream = await StartUpstreamAsync();
        var latePort = LoopbackPort.Free();
        using var config = GatewayConfig(upstream, latePort);
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        await using var prometheus = await PrometheusServer.StartAsync(ScrapeInterval, new Dictionary<string, IReadOnlyList<string>>
        {
            ["gateway"] = [HostAndPort(gateway.BaseAddress)],
            ["demo-upstream"] = [HostAndPort(upstream.BaseAddress)],
        });
        await prometheus.WaitForTargetsUpAsync(TimeSpan.FromSeconds(30));

        using var client = new HttpClient(LoadGenerator.CreateDefaultHandler());
        await using var late = await DriveFailoverAsync(client, gateway.BaseAddress, latePort);
        var codes = await DriveTrafficAsync(client, gateway.BaseAddress, upstream.BaseAddress, TimeSpan.FromSeconds(6));
        Assert.True(codes.GetValueOrDefault(HttpStatusCode.OK) > 0 && codes.GetValueOrDefault(HttpStatusCode.ServiceUnavailable) > 0,
            "the traffic must produce both 200s and queue-full 503s: " + Describe(codes));

        // Two scrapes after the traffic: every series born during it then has at least two samples for rate().
        await prometheus.WaitForScrapesAfterAsync(DateTimeOffset.UtcNow + ScrapeInterval, TimeSpan.FromSeconds(30));

        // Not vacuous: a dashboard the reader found no queries in must fail, not pass.
        Assert.NotEmpty(dashboard.Targets);
        Assert.Contains(dashboard.Variables, v => v.Type == "query");
        var failures = new List<string>();
        foreach (var target in dashboard.Targets)
        {
            var promql = DashboardQueries.Substitute(target.Expr ?? "");
            await CheckHasDataAsync(prometheus, $"panel '{target.Panel}' {target.RefId}", promql, failures);
        }

        foreach (var variable in dashboard.Variables.Where(v => v.Type == "query"))
        {
            var promql = DashboardQueries.LabelValuesAsPromQl(DashboardQueries.Substitute(variable.Query ?? ""));
            if (promql is null)
            {
                failures.Add($"variable ${variable.Name}: not a label_values(metric, label) query: {variable.Query}");
                continue;
            }

            await CheckHasDataAsync(prometheus, $"variable ${variable.Name}", promql, failures);
        }

        Assert.True(failures.Count == 0,
            $"{failures.Count} failed, of {dashboard.Targets.Count} panel queries and {dashboard.Variables.Count(v => v.Type == "query")} "
            + $"variable queries (traffic: {Describe(codes)}):\n\n" + string.Join("\n\n", failures));
    }

    [Fact]
    public async Task MetricsEndpoints_AfterTraffic_PassPromtoolCheckMetrics()
    {
        await using var upstream = await StartUpstreamAsync();
        using var config = GatewayConfig(upstream);
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient(LoadGenerator.CreateDefaultHandler());
        await DriveTrafficAsync(client, gateway.BaseAddress, upstream.BaseAddress, TimeSpan.FromSeconds(2));

        var problems = new StringBuilder();
        foreach (var (name, server) in new[] { ("gateway", gateway), ("DemoUpstream", upstream) })
        {
            using var response = await client.GetAsync(new Uri(server.BaseAddress, "/metrics"));
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                problems.Append($"{name} /metrics: HTTP {(int)response.StatusCode}\n{text}\n\n");
                continue;
            }

            var (exitCode, output) = await Promtool.CheckMetricsAsync(text);
            if (exitCode != 0 || output.Length > 0)
            {
                problems.Append($"{name} /metrics: promtool check metrics exited {exitCode}:\n{output}\n\n");
            }
        }

        Assert.True(problems.Length == 0, problems.ToString());
    }

    private static Task<ServerProcess> StartUpstreamAsync() => ServerProcess.StartDemoUpstreamAsync(
        "--DemoUpstream:Slots=2", "--DemoUpstream:ServiceTime=const:5ms", "--Logging:LogLevel:Default=Warning");

    /// <summary>
    /// The upstream-health panels' events: /failover goes to the upstream and to <paramref name="latePort"/>, where
    /// nothing listens yet, so a request is refused there, retried, and the destination ejected. Then a DemoUpstream
    /// starts on that port and comes back through the half-open ramp (a recovery), and sheds load once (a hold-back).
    /// </summary>
    private static async Task<ServerProcess> DriveFailoverAsync(HttpClient client, Uri gateway, int latePort)
    {
        var failover = new Uri(gateway, "/failover/x");
        ServerProcess? late = null;
        try
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(HttpStatusCode.OK, await SendAsync(client, failover));
            }

            late = await ServerProcess.StartDemoUpstreamOnPortAsync(latePort, "--DemoUpstream:ServiceTime=const:1ms", "--Logging:LogLevel:Default=Warning");
            await UntilCountedAsync(client, gateway, "gateway_destination_recoveries_total", failover, "the late destination recovered");

            (await client.PostAsync(new Uri($"http://127.0.0.1:{latePort}/demo/overload?seconds=1"), null)).EnsureSuccessStatusCode();
            await UntilCountedAsync(client, gateway, "gateway_destination_hold_backs_total", failover, "the shedding destination held work back");

            return late;
        }
        catch
        {
            if (late is not null)
            {
                await late.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Sends requests to <paramref name="target"/>, one per check, until the gateway's counter <paramref name="name"/> is above zero.</summary>
    private static Task UntilCountedAsync(HttpClient client, Uri gateway, string name, Uri target, string what) => Eventually.ValueAsync(
        async () =>
        {
            var count = (await Exposition.ScrapeAsync(client, gateway)).Sum(name);
            if (count == 0)
            {
                await SendAsync(client, target);
            }

            return count;
        },
        count => count > 0,
        $"{what} ({name} above 0)");

    /// <summary>
    /// One destination held to one request in flight with a queue of two, so bursts get 503 queue_full; POST /jobs is
    /// an enqueue route where tenant acme's bucket (burst 2, a token every 2 s) refuses some of its jobs. With
    /// <paramref name="latePort"/>, /failover balances over the upstream and that port, and one failure ejects for 1 s.
    /// </summary>
    private static GatewayConfigFile GatewayConfig(ServerProcess upstream, int? latePort = null) =>
        (latePort is { } port
            ? new GatewayConfigFile()
                .AddCluster("failover", GatewayPolicies.LeastOutstanding, [upstream.BaseAddress, new Uri($"http://127.0.0.1:{port}/")], pathPrefix: "failover")
                .Set("Gateway:Health:ConsecutiveFailures", JsonValue.Create(1))
                .Set("Gateway:Health:ReactivationPeriod", JsonValue.Create("00:00:01"))
            : new GatewayConfigFile()).AddCluster("test", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress], metadata: new Dictionary<string, string>
        {
            [GatewayMetadata.ConcurrencyLimit] = "1",
            [GatewayMetadata.QueueLength] = "2",
        })
        .Set("ReverseProxy:Routes:jobs", new JsonObject
        {
            ["ClusterId"] = "test",
            ["Match"] = new JsonObject { ["Path"] = "/jobs", ["Methods"] = new JsonArray("POST") },
            ["Metadata"] = new JsonObject { [GatewayMetadata.Enqueue] = "true" },
        })
        .Set("ReverseProxy:Clusters:test:HealthCheck:Active", new JsonObject
        {
            ["Enabled"] = true,
            ["Interval"] = "00:00:05",
            ["Policy"] = LoadReportHealthPolicy.PolicyName,
            ["Path"] = "/healthz",
        })
        .Set("Gateway:Admission:Tenants:acme:RatePerSecond", JsonValue.Create(0.5))
        .Set("Gateway:Admission:Tenants:acme:Burst", JsonValue.Create(2))
        .Set("Gateway:Authentication:HmacKey", JsonValue.Create(TestTokens.HmacKey));

    /// <summary>
    /// Rounds of: sequential requests, a concurrent burst larger than limit + queue (so some are rejected), a
    /// request to an upstream path without timing headers (counted as header errors), and a burst straight at the
    /// upstream so its own queue fills and the gateway's next requests really wait there.
    /// </summary>
    private static async Task<Dictionary<HttpStatusCode, int>> DriveTrafficAsync(HttpClient client, Uri gateway, Uri upstream, TimeSpan duration)
    {
        var codes = new Dictionary<HttpStatusCode, int>();
        var start = Stopwatch.GetTimestamp();
        for (var round = 0; Stopwatch.GetElapsedTime(start) < duration; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                Count(codes, await SendAsync(client, new Uri(gateway, $"/orders/{round}/{i}")));
            }

            var direct = Enumerable.Range(0, 4).Select(i => SendAsync(client, new Uri(upstream, $"/direct/{i}?ms=30"))).ToList();
            var burst = Enumerable.Range(0, 8).Select(i => SendAsync(client, new Uri(gateway, $"/burst/{round}/{i}?ms=20"))).ToList();
            foreach (var code in await Task.WhenAll(burst))
            {
                Count(codes, code);
            }

            await Task.WhenAll(direct);
            Count(codes, await SendAsync(client, new Uri(gateway, "/demo/stats")));

            // The context step's metrics: a bad token, qdelay from a good one, forged qdelay and a malformed baggage
            // member; and the jobs API's, with a job that a qdelay holds back briefly.
            Count(codes, await SendAsync(client, Get(new Uri(gateway, "/ctx"), ForgedToken)));
            Count(codes, await SendAsync(client, Get(new Uri(gateway, "/ctx"), QdelayToken)));
            var forged = Get(new Uri(gateway, "/ctx"), token: null);
            forged.Headers.Add("X-Qdelay", "5000");
            forged.Headers.Add("baggage", "qdelay.ms=5000,not-a-member");
            Count(codes, await SendAsync(client, forged));
            var job = Get(new Uri(gateway, "/jobs"), QdelayToken);
            job.Method = HttpMethod.Post;
            job.Content = new StringContent("""{"work_ms":1}""", Encoding.UTF8, "application/json");
            Count(codes, await SendAsync(client, job));

            // Tenant admission: acme's jobs on the enqueue route, more than its bucket allows.
            for (var i = 0; i < 2; i++)
            {
                var tenantJob = Get(new Uri(gateway, "/jobs"), TenantToken);
                tenantJob.Method = HttpMethod.Post;
                tenantJob.Content = new StringContent("""{"work_ms":1}""", Encoding.UTF8, "application/json");
                Count(codes, await SendAsync(client, tenantJob));
            }
        }

        return codes;
    }

    private static Task<HttpStatusCode> SendAsync(HttpClient client, Uri uri) => SendAsync(client, new HttpRequestMessage(HttpMethod.Get, uri));

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    private static HttpRequestMessage Get(Uri uri, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static void Count(Dictionary<HttpStatusCode, int> codes, HttpStatusCode code) =>
        codes[code] = codes.GetValueOrDefault(code) + 1;

    private static string Describe(Dictionary<HttpStatusCode, int> codes) =>
        string.Join(", ", codes.OrderBy(c => c.Key).Select(c => $"{(int)c.Key}×{c.Value}"));

    private static async Task CheckHasDataAsync(PrometheusServer prometheus, string what, string promql, List<string> failures)
    {
        try
        {
            var result = await prometheus.QueryAsync(promql);
            if (result.Series.Count == 0)
            {
                failures.Add($"{what}: no data\n  {promql}");
            }
        }
        catch (InvalidOperationException e)
        {
            // The message already quotes the query.
            failures.Add($"{what}: {e.Message}");
        }
    }

    private static string HostAndPort(Uri address) => $"{address.Host}:{address.Port}";
}
