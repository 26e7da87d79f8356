using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Integration;

/// <summary>
/// Upstreams that send bad or no timing headers, or are down. A small real Kestrel app plays the upstream so
/// each test controls exactly what goes over the wire.
/// </summary>
public sealed class UpstreamHeaderTests
{
    [Theory]
    [InlineData("app;dur=abc", "TEXT named_metrics.inflight=1, named_metrics.limit=4", "server_timing_invalid")]
    [InlineData(null, "TEXT named_metrics.inflight=1, named_metrics.limit=4", "server_timing_missing")]
    [InlineData("app;dur=5", "TEXT named_metrics.inflight=-3", "load_report_invalid")]
    [InlineData("app;dur=5", "named_metrics.inflight=1", "load_report_invalid")]
    [InlineData("app;dur=5", null, "load_report_missing")]
    public async Task BadUpstreamHeader_IsCountedAndIgnored(string? serverTiming, string? loadReport, string expectedKind)
    {
        await using var upstream = await StartUpstreamAsync(serverTiming, loadReport);
        using var config = new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress]);
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri(gateway.BaseAddress, "/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        var metrics = await Exposition.ScrapeAsync(client, gateway.BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_upstream_header_errors_total", ("kind", expectedKind)));
        Assert.Equal(1, metrics.Sum("gateway_upstream_header_errors_total"));
    }

    [Fact]
    public async Task GoodUpstreamHeaders_CountNoErrorsAndLogOneAccessLineWithTheEstimate()
    {
        // The upstream claims far more time than it takes, so the estimate must clamp at 0 on any machine.
        await using var upstream = await StartUpstreamAsync("app;dur=5000", "TEXT named_metrics.inflight=1, named_metrics.limit=4");
        using var config = new GatewayConfigFile()
            .AddCluster("test", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress])
            .Set("Gateway:Timing:AccessLogOutput", JsonValue.Create("Logger"));
        var logs = new CapturingLoggerProvider();
        await using var gateway = await InProcessGateway.StartAsync(config.Write(), logs);
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri(gateway.BaseAddress, "/orders/7"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var metrics = await Exposition.ScrapeAsync(client, gateway.BaseAddress);
        Assert.Equal(4, metrics.Samples.Count(s => s.Name == "gateway_upstream_header_errors_total"));
        Assert.Equal(0, metrics.Sum("gateway_upstream_header_errors_total"));
        var access = Assert.Single(logs.Entries, e => e.Category == "Gateway.AccessLog");
        Assert.Equal("/orders/7", access.Fields["Path"]);
        Assert.Equal("test", access.Fields["Cluster"]);
        Assert.Equal("u1", access.Fields["Destination"]);
        Assert.Equal(200, access.Fields["Status"]);
        Assert.Equal(5000.0, (double)access.Fields["AppMs"]!);
        Assert.True((double)access.Fields["UpstreamMs"]! is > 0 and < 5000);
        Assert.Equal(0.0, (double)access.Fields["UlqMs"]!);
        Assert.Equal("ok", access.Fields["Outcome"]);
    }

    [Fact]
    public async Task UpstreamDown_Returns502ProblemNamingTheReason()
    {
        using var config = new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, [LoopbackPort.Refusing()]);
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri(gateway.BaseAddress, "/x"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("upstream_error", problem.RootElement.GetProperty("reason").GetString());
        Assert.Equal("test", problem.RootElement.GetProperty("cluster").GetString());
        var gate = ((ClusterGateRegistry)gateway.Services.GetService(typeof(ClusterGateRegistry))!).Get("test");
        Assert.Equal(0, gate.Snapshot().Sum(d => d.InFlight));
    }

    private static Task<InProcessServer> StartUpstreamAsync(string? serverTiming, string? loadReport) =>
        InProcessServer.StartAsync(app => app.Run(async context =>
        {
            if (serverTiming is not null)
            {
                context.Response.Headers["Server-Timing"] = serverTiming;
            }

            if (loadReport is not null)
            {
                context.Response.Headers["endpoint-load-metrics"] = loadReport;
            }

            await context.Response.WriteAsync("hello");
        }));
}
