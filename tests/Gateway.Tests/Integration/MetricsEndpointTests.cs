using System.Net;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Integration.Prometheus;
using Gateway.Tests.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Gateway.Tests.Integration;

/// <summary>
/// /metrics on real gateway and DemoUpstream processes: exact counts, connection metrics, configuration,
/// and label escaping through a real Prometheus.
/// </summary>
public sealed class MetricsEndpointTests
{
    private static readonly string[] GatewayHistograms =
    [
        "gateway_request_duration_seconds", "gateway_queue_wait_seconds", "gateway_upstream_duration_seconds",
        "gateway_upstream_reported_duration_seconds", "gateway_upstream_local_queue_seconds",
    ];

    [Fact]
    public async Task AfterExactlyNRequests_CountersAndHistogramCountsShowN_OnGatewayAndUpstream()
    {
        const int N = 37;
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:ServiceTime=const:1ms");
        using var config = new GatewayConfigFile().AddCluster("c1", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress]);
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient();

        for (var i = 0; i < N; i++)
        {
            using var response = await client.GetAsync(new Uri(gateway.BaseAddress, $"/work/{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The request is recorded once its response is done; the client can see the response a moment earlier.
        var metrics = await ScrapeOnceCountedAsync(client, gateway.BaseAddress, N);
        var again = await Exposition.ScrapeAsync(client, gateway.BaseAddress);
        var demo = await Exposition.ScrapeAsync(client, upstream.BaseAddress);

        foreach (var scrape in new[] { metrics, again })
        {
            Assert.Equal(N, scrape.Value("gateway_requests_total", ("route", "demo"), ("cluster", "c1"), ("destination", "u1"), ("code", "200")));
            Assert.Equal(N, scrape.Sum("gateway_requests_total")); // Scrapes themselves are not proxied requests.
            foreach (var histogram in GatewayHistograms)
            {
                Assert.Equal(N, scrape.Value(histogram + "_count"));
                Assert.Equal(N, scrape.Value(histogram + "_bucket", ("le", "+Inf")));
                AssertCumulative(scrape, histogram);
            }
        }

        Assert.Equal(N, demo.Value("demo_requests_total", ("code", "200"), ("service", "demo")));
        Assert.Equal(N, demo.Value("demo_queue_wait_seconds_count"));
        Assert.Equal(N, demo.Value("demo_service_duration_seconds_count"));
        Assert.Equal(0, demo.Value("demo_queue_length"));
        Assert.Equal(0, demo.Value("demo_slots_busy"));
        Assert.Equal(12, demo.Value("demo_slots_capacity"));
        AssertCumulative(demo, "demo_queue_wait_seconds");

        // Every header-error kind is exposed, at 0, before any happens.
        Assert.Equal(
            ["load_report_invalid", "load_report_missing", "server_timing_invalid", "server_timing_missing"],
            metrics.Samples.Where(s => s.Name == "gateway_upstream_header_errors_total").Select(s => s.Labels["kind"]).Order());
        Assert.Equal(0, metrics.Sum("gateway_upstream_header_errors_total"));
        Assert.Equal(12, metrics.Value("gateway_destination_concurrency_limit", ("destination", "u1"))); // Learned from the upstream.
        Assert.Equal(0, metrics.Value("gateway_destination_inflight", ("destination", "u1")));
        Assert.Equal(0, metrics.Value("gateway_queue_length", ("cluster", "c1")));
    }

    [Fact]
    public async Task RuntimeAndKestrelMeters_AreExposed_AndHttpClientsWhenAdded()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync();
        using var config = new GatewayConfigFile().AddCluster("c1", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress]);
        await using var plain = await ServerProcess.StartGatewayAsync("--config", config.Write());
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write(), "--Gateway:Metrics:AdditionalMeters:0=System.Net.Http");
        using var client = new HttpClient();
        (await client.GetAsync(new Uri(gateway.BaseAddress, "/x?ms=1"))).Dispose();
        (await client.GetAsync(new Uri(plain.BaseAddress, "/x?ms=1"))).Dispose();

        var metrics = await Exposition.ScrapeAsync(client, gateway.BaseAddress);
        var plainMetrics = await Exposition.ScrapeAsync(client, plain.BaseAddress);

        Assert.DoesNotContain(plainMetrics.Samples, s => s.Name.StartsWith("system_net_http_", StringComparison.Ordinal));
        Assert.True(plainMetrics.Sum("kestrel_active_connections") >= 1);

        Assert.Equal("counter", metrics.Types["dotnet_collection_count_total"]); // prometheus-net's standard collector.
        Assert.Equal("counter", metrics.Types["process_cpu_seconds_total"]);
        Assert.True(metrics.Value("process_cpu_seconds_total") > 0);
        Assert.Equal("gauge", metrics.Types["dotnet_thread_pool_threads"]);
        Assert.True(metrics.Value("dotnet_thread_pool_threads") >= 1);
        Assert.Equal("gauge", metrics.Types["dotnet_thread_pool_queue_length"]);
        Assert.True(metrics.Sum("kestrel_active_connections") >= 1); // This scrape's own connection.
        // Additional meters come through prometheus-net's MeterAdapter, named meter then instrument.
        Assert.Equal(1, metrics.Sum("system_net_http_http_client_open_connections", ("server_port", upstream.BaseAddress.Port.ToString())));
        var (exitCode, lint) = await Promtool.CheckMetricsAsync(await client.GetStringAsync(new Uri(gateway.BaseAddress, "/metrics")));
        Assert.True(exitCode == 0, lint);
    }

    [Fact]
    public async Task UpstreamClosingEveryFifthConnection_EachNewConnectionIsCountedAndTimed()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:CloseConnectionEvery=5");
        using var config = new GatewayConfigFile().AddCluster("c1", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress]);
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient();

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync(new Uri(gateway.BaseAddress, "/x?ms=0"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var metrics = await ScrapeOnceCountedAsync(client, gateway.BaseAddress, 20);

        // Sequential requests: one connection per five, opened by requests 1, 6, 11 and 16.
        Assert.Equal(4, metrics.Value("gateway_upstream_connections_opened_total", ("cluster", "c1"), ("destination", "u1")));
        Assert.Equal(4, metrics.Value("gateway_upstream_connect_duration_seconds_count", ("destination", "u1")));
        Assert.True(metrics.Value("gateway_upstream_connect_duration_seconds_sum", ("destination", "u1")) > 0);
        Assert.DoesNotContain(metrics.Samples, s => s.Name == "gateway_upstream_connect_errors_total");
    }

    [Fact]
    public async Task UpstreamRefusingConnections_CountsAConnectErrorForItsDestination()
    {
        using var config = new GatewayConfigFile().AddCluster("c1", GatewayPolicies.ConcurrencyAware, [LoopbackPort.Refusing()]);
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient();

        using (var response = await client.GetAsync(new Uri(gateway.BaseAddress, "/x")))
        {
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }

        var metrics = await ScrapeOnceCountedAsync(client, gateway.BaseAddress, 1);
        Assert.Equal(1, metrics.Value("gateway_upstream_connect_errors_total", ("cluster", "c1"), ("destination", "u1")));
        Assert.Equal(1, metrics.Value("gateway_requests_total", ("code", "502")));
        Assert.DoesNotContain(metrics.Samples, s => s.Name == "gateway_upstream_connections_opened_total");
    }

    [Fact]
    public async Task MetricsPath_IsConfigurable_AndDisablingItLeavesThePathToTheProxy()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync();
        using var moved = new GatewayConfigFile()
            .AddCluster("c1", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress])
            .Set("Gateway:Metrics:Path", JsonValue.Create("/internal/metrics"));
        using var off = new GatewayConfigFile()
            .AddCluster("c1", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress])
            .Set("Gateway:Metrics:Enabled", JsonValue.Create(false));
        await using var movedGateway = await ServerProcess.StartGatewayAsync("--config", moved.Write());
        await using var offGateway = await ServerProcess.StartGatewayAsync("--config", off.Write());
        using var client = new HttpClient();

        var movedText = await client.GetStringAsync(new Uri(movedGateway.BaseAddress, "/internal/metrics"));
        var offText = await client.GetStringAsync(new Uri(offGateway.BaseAddress, "/metrics"));

        Assert.Contains("# TYPE gateway_upstream_header_errors_total counter", movedText, StringComparison.Ordinal);

        // With the endpoint off, /metrics is an ordinary proxied path: here the upstream answers with its own.
        Assert.Contains("# TYPE demo_slots_capacity gauge", offText, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway_", offText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsOff_RequestsLeaveNoLabelledSeries_AndOnTheyDo()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:ServiceTime=const:1ms");
        using var client = new HttpClient();

        async Task<string> ExposedAfterOneRequestAsync(bool enabled)
        {
            using var config = new GatewayConfigFile()
                .AddCluster("c1", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress])
                .Set("Gateway:Metrics:Enabled", JsonValue.Create(enabled));
            await using var gateway = await InProcessGateway.StartAsync(config.Write());
            using var response = await client.GetAsync(new Uri(gateway.BaseAddress, "/work"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var exposition = new MemoryStream();
            await gateway.Services.GetRequiredService<CollectorRegistry>().CollectAndExportAsTextAsync(exposition);
            return System.Text.Encoding.UTF8.GetString(exposition.ToArray());
        }

        var off = await ExposedAfterOneRequestAsync(enabled: false);
        var on = await ExposedAfterOneRequestAsync(enabled: true);

        Assert.DoesNotContain("gateway_requests_total{", off, StringComparison.Ordinal);
        Assert.DoesNotContain("gateway_upstream_duration_seconds_count{", off, StringComparison.Ordinal);
        Assert.Contains("gateway_requests_total{", on, StringComparison.Ordinal);
        Assert.Contains("gateway_upstream_duration_seconds_count{", on, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gateway:Metrics:Path", "metrics", "Gateway:Metrics:Path must start with '/'")]
    [InlineData("Gateway:Metrics:MaxSeriesPerMetric", "0", "Gateway:Metrics:MaxSeriesPerMetric must be at least 1")]
    public async Task BadMetricsSetting_StopsStartupNamingTheKey(string key, string value, string expected)
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync(RepoLayout.GatewayDll, [$"--{key}={value}"], TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LabelValuesWithQuotesBackslashesAndNewlines_ReachPrometheusUnchanged()
    {
        const string Cluster = "we\"ird\\cluster";
        const string Route = "line\nbreak";
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync();
        using var config = new GatewayConfigFile().AddCluster(Cluster, GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress], pathPrefix: "p", routeId: Route);
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient();
        using (var response = await client.GetAsync(new Uri(gateway.BaseAddress, "/p/x?ms=1")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var text = await client.GetStringAsync(new Uri(gateway.BaseAddress, "/metrics"));
        Assert.Contains(
            "gateway_requests_total{cluster=\"we\\\"ird\\\\cluster\",code=\"200\",destination=\"u1\",route=\"line\\nbreak\"} 1\n", text, StringComparison.Ordinal);
        var (exitCode, lint) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exitCode == 0, lint);

        await using var prometheus = await PrometheusServer.StartAsync(
            TimeSpan.FromSeconds(1), new Dictionary<string, IReadOnlyList<string>> { ["gateway"] = [gateway.BaseAddress.Authority] });
        await prometheus.WaitForTargetsUpAsync(TimeSpan.FromSeconds(30));
        await prometheus.WaitForScrapesAfterAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));
        var result = await prometheus.QueryAsync("gateway_requests_total");

        var series = Assert.Single(result.Series);
        Assert.Equal(Cluster, series.Labels["cluster"]);
        Assert.Equal(Route, series.Labels["route"]);
        Assert.Equal(1, series.Value);
    }

    [Fact]
    public async Task SampledSlowRequest_ItsTraceIdIsAnExemplarOnTheDurationAndUlqHistograms_InARealPrometheus()
    {
        const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:Slots=1");
        using var config = new GatewayConfigFile().AddCluster("c1", "RoundRobin", [upstream.BaseAddress]);
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient();

        // An unsampled request first: it must leave no exemplar behind.
        using (var unsampled = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, "/x?ms=1")))
        {
            unsampled.Headers.Add("traceparent", "00-11111111111111111111111111111111-2222222222222222-00");
            (await client.SendAsync(unsampled)).Dispose();
        }

        // The sampled request waits at the upstream behind another one holding its only slot, so its ULQ is real.
        var blocker = client.GetAsync(new Uri(upstream.BaseAddress, "/x?ms=400"));
        await Task.Delay(100);
        using (var sampled = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, "/x?ms=50")))
        {
            sampled.Headers.Add("traceparent", $"00-{TraceId}-b7ad6b7169203331-01");
            using var response = await client.SendAsync(sampled);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        (await blocker).Dispose();

        // Plain scrapes (the text format) carry no exemplars; OpenMetrics does, on request.
        var plain = await client.GetStringAsync(new Uri(gateway.BaseAddress, "/metrics"));
        Assert.DoesNotContain(TraceId, plain, StringComparison.Ordinal);
        using var openMetrics = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, "/metrics"));
        openMetrics.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        using (var response = await client.SendAsync(openMetrics))
        {
            Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains($"trace_id=\"{TraceId}\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("11111111111111111111111111111111", text, StringComparison.Ordinal);
            Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
        }

        await using var prometheus = await PrometheusServer.StartAsync(
            TimeSpan.FromSeconds(1), new Dictionary<string, IReadOnlyList<string>> { ["gateway"] = [gateway.BaseAddress.Authority] }, exemplars: true);
        await prometheus.WaitForTargetsUpAsync(TimeSpan.FromSeconds(30));
        await prometheus.WaitForScrapesAfterAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));

        foreach (var histogram in new[] { "gateway_request_duration_seconds_bucket", "gateway_upstream_local_queue_seconds_bucket" })
        {
            var traceIds = await prometheus.QueryExemplarTraceIdsAsync(histogram);
            Assert.True(traceIds.Contains(TraceId), $"{histogram}: exemplars {string.Join(' ', traceIds)}\n{prometheus.Output}");
            Assert.DoesNotContain("11111111111111111111111111111111", traceIds);
        }
    }

    private static void AssertCumulative(Exposition scrape, string histogram)
    {
        var buckets = scrape.Samples.Where(s => s.Name == histogram + "_bucket").Select(s => s.Value).ToList();
        Assert.NotEmpty(buckets);
        Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First <= p.Second), $"{histogram} buckets are not cumulative: {string.Join(' ', buckets)}");
    }

    private static Task<Exposition> ScrapeOnceCountedAsync(HttpClient client, Uri baseAddress, int requests) => Eventually.ValueAsync(
        () => Exposition.ScrapeAsync(client, baseAddress),
        scrape => scrape.Sum("gateway_requests_total") >= requests,
        $"gateway_requests_total counts {requests} requests",
        describe: scrape => $"gateway_requests_total {scrape.Sum("gateway_requests_total")}");
}
