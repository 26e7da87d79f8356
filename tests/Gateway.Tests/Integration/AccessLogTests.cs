using System.Net;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Metrics;

namespace Gateway.Tests.Integration;

/// <summary>The default access log: batched plain-text lines on the real gateway process's standard output.</summary>
public sealed class AccessLogTests
{
    [Fact]
    public async Task ProxiedRequests_EachWriteOneLineToStdout_WithTheForgedLineEscaped()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:ServiceTime=const:1ms");
        using var config = new GatewayConfigFile()
            .AddCluster("orders", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress])
            .Set("Logging:LogLevel:Gateway.AccessLog", JsonValue.Create("Information"));
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient();

        for (var i = 0; i < 25; i++)
        {
            using var ok = await client.GetAsync(new Uri(gateway.BaseAddress, $"/orders/{i}"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var forged = await client.GetAsync(new Uri(gateway.BaseAddress, "/x%0A2026-01-01T00:00:00.000Z%20GET%20/forged"));
        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);

        var lines = await WaitForLinesAsync(gateway, " route=demo ", 26);
        for (var i = 0; i < 25; i++)
        {
            var line = Assert.Single(lines, l => l.Contains($" GET /orders/{i} route=", StringComparison.Ordinal));
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z GET /orders/\d+ route=demo cluster=orders destination=u1 status=200 total_ms=[0-9.]+ queue_ms=[0-9.]+ upstream_ms=[0-9.]+ app_ms=[0-9.]+ ulq_ms=[0-9.]+ outcome=ok retries=0$", line);
        }

        Assert.Contains(lines, l => l.Contains(" GET /x%0A2026-01-01T00:00:00.000Z%20GET%20/forged route=demo ", StringComparison.Ordinal));
        Assert.DoesNotContain(gateway.Output.Split('\n'), l => l.StartsWith("2026-01-01T00:00:00.000Z", StringComparison.Ordinal));
        var metrics = await Exposition.ScrapeAsync(client, gateway.BaseAddress);
        Assert.Equal(0, metrics.Value("gateway_access_log_dropped_total"));
    }

    [Fact]
    public async Task AccessLogCategoryAtWarning_WritesNoLines()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:ServiceTime=const:1ms");
        using var config = new GatewayConfigFile().AddCluster("orders", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress]);
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient();

        for (var i = 0; i < 5; i++)
        {
            using var ok = await client.GetAsync(new Uri(gateway.BaseAddress, $"/orders/{i}"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // The metrics scrape is answered after the proxied requests were logged (or would have been).
        await Exposition.ScrapeAsync(client, gateway.BaseAddress);
        await Task.Delay(200);
        Assert.DoesNotContain(gateway.Output.Split('\n'), l => l.Contains(" route=demo ", StringComparison.Ordinal));
    }

    private static Task<string[]> WaitForLinesAsync(ServerProcess process, string marker, int count) => Eventually.ValueAsync(
        () => process.Output.Split('\n').Where(l => l.Contains(marker, StringComparison.Ordinal)).ToArray(),
        lines => lines.Length >= count,
        $"{count} access lines are written",
        describe: lines => $"{lines.Length} lines; the gateway's output:\n{process.Output}");
}
