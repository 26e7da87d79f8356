using System.Net;
using System.Text.Json.Nodes;
using Gateway.Configuration;
using Gateway.LoadBalancing;
using Gateway.Tests.Integration;
using Gateway.Tests.Metrics;

namespace Gateway.Tests.Configuration;

/// <summary>Edits to a running gateway's configuration file: bad ones are ignored and logged, good ones apply.</summary>
public sealed class LiveGatewayOptionsTests
{
    [Fact]
    public async Task ConfigFileEdited_BadValuesKeepLastGoodOptionsAndGoodValuesApply()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--Logging:LogLevel:Microsoft.AspNetCore=Warning");
        using var config = new GatewayConfigFile()
            .AddCluster("test", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress])
            .Set("Gateway:Queue:MaxLength", 5);
        var logs = new CapturingLoggerProvider();
        await using var gateway = await InProcessGateway.StartAsync(config.Write(), logs);
        var live = (LiveGatewayOptions)gateway.Services.GetService(typeof(LiveGatewayOptions))!;
        using var client = new HttpClient();
        Assert.Equal(5, live.Current.Queue.MaxLength);

        config.Set("Gateway:Queue:MaxLength", -3).Write();
        await UntilLoggedAsync(Rejections(logs), "Gateway:Queue:MaxLength must be 0 or more, got -3");
        Assert.Equal(5, live.Current.Queue.MaxLength);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(gateway.BaseAddress, "/a?ms=1"))).StatusCode);

        var queue = (JsonObject)JsonNode.Parse(File.ReadAllText(config.Path))!["Gateway"]!["Queue"]!;
        queue.Remove("MaxLength");
        queue["MaxLenght"] = 3;
        config.Set("Gateway:Queue", queue.DeepClone()).Write();
        await UntilLoggedAsync(Rejections(logs), "MaxLenght");
        Assert.Equal(5, live.Current.Queue.MaxLength);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(gateway.BaseAddress, "/b?ms=1"))).StatusCode);

        config.Set("Gateway:Queue", new JsonObject { ["MaxLength"] = 7 }).Write();
        await Eventually.ValueAsync(() => live.Current.Queue.MaxLength, n => n == 7, "the edited queue length applies");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(gateway.BaseAddress, "/c?ms=1"))).StatusCode);
    }

    [Fact]
    public async Task ClusterMetadataEditedToABadValue_IsLoggedNamingTheKeyAndRequestsKeepWorking()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--Logging:LogLevel:Microsoft.AspNetCore=Warning");
        using var config = new GatewayConfigFile().AddCluster(
            "test", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress], metadata: new Dictionary<string, string> { [GatewayMetadata.ConcurrencyLimit] = "2" });
        var logs = new CapturingLoggerProvider();
        await using var gateway = await InProcessGateway.StartAsync(config.Write(), logs);
        using var client = new HttpClient();

        config.Set("ReverseProxy:Clusters:test:Metadata", new JsonObject { [GatewayMetadata.ConcurrencyLimit] = "two" }).Write();
        await UntilLoggedAsync(Messages(logs), "ReverseProxy:Clusters:test:Metadata:Gateway.ConcurrencyLimit must be an integer of at least 1, got 'two'");

        // YARP refused the edit as a whole: the last valid limit is still in force.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(gateway.BaseAddress, "/a?ms=1"))).StatusCode);
        var metrics = await Exposition.ScrapeAsync(client, gateway.BaseAddress);
        Assert.Equal(2, metrics.Value("gateway_destination_concurrency_limit", ("cluster", "test")));
    }

    [Fact]
    public async Task RouteEnqueueMetadataEditedToABadValue_IsLoggedNamingTheKeyAndRequestsKeepWorking()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--Logging:LogLevel:Microsoft.AspNetCore=Warning");
        using var config = new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress]);
        var logs = new CapturingLoggerProvider();
        await using var gateway = await InProcessGateway.StartAsync(config.Write(), logs);
        using var client = new HttpClient();

        config.Set("ReverseProxy:Routes:demo:Metadata", new JsonObject { [GatewayMetadata.Enqueue] = "maybe" }).Write();
        await UntilLoggedAsync(Messages(logs), "ReverseProxy:Routes:demo:Metadata:Gateway.Enqueue must be true or false, got 'maybe'");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(gateway.BaseAddress, "/a?ms=1"))).StatusCode);
    }

    [Fact]
    public async Task ShardSizeEditedToABadValue_IsLoggedNamingTheKeyAndRequestsKeepWorking()
    {
        await using var upstream = await HeaderEchoUpstream.StartAsync();
        using var config = new GatewayConfigFile().AddCluster(
            "test", GatewayPolicies.ShuffleShard, [upstream.Address], metadata: new Dictionary<string, string> { [GatewayMetadata.ShardSize] = "2" });
        var logs = new CapturingLoggerProvider();
        await using var gateway = await InProcessGateway.StartAsync(config.Write(), logs);
        using var client = new HttpClient();

        config.Set("ReverseProxy:Clusters:test:Metadata", new JsonObject { [GatewayMetadata.ShardSize] = "0" }).Write();
        await UntilLoggedAsync(Messages(logs), "ReverseProxy:Clusters:test:Metadata:Gateway.ShardSize must be an integer of at least 1, got '0'");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(gateway.BaseAddress, "/a"))).StatusCode);
    }

    [Fact]
    public async Task ApiKeyAddedWhileAuthenticationIsOff_RequestsKeepWorkingUnauthenticatedUntilARestart()
    {
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--Logging:LogLevel:Microsoft.AspNetCore=Warning");
        using var config = new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, [upstream.BaseAddress]);
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        var live = (LiveGatewayOptions)gateway.Services.GetService(typeof(LiveGatewayOptions))!;
        using var client = new HttpClient();

        // Authentication is decided at start-up: the first key added live is taken into the options, but does not
        // switch authentication on, and requests go on as before rather than failing.
        config.Set("Gateway:Authentication:ApiKeys", new JsonArray(new JsonObject { ["Sha256"] = new string('a', 64), ["Tenant"] = "acme" })).Write();
        await Eventually.ValueAsync(() => live.Current.Authentication.ApiKeys.Count, n => n == 1, "the added API key is in the live options");
        using var response = await client.GetAsync(new Uri(gateway.BaseAddress, "/a?ms=1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static IEnumerable<string> Rejections(CapturingLoggerProvider logs) =>
        logs.Entries.Where(e => e.Category == typeof(LiveGatewayOptions).FullName).Select(e => e.Message);

    private static IEnumerable<string> Messages(CapturingLoggerProvider logs) => logs.Entries.Select(e => e.Message);

    /// <summary>Waits until one of <paramref name="messages"/> (read again on each check) contains <paramref name="text"/>.</summary>
    private static Task UntilLoggedAsync(IEnumerable<string> messages, string text) =>
        Eventually.ValueAsync(() => messages.ToArray(), logged => logged.Any(m => m.Contains(text, StringComparison.Ordinal)), $"a log message contains \"{text}\"");
}
