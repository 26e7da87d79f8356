using System.Text.Json.Nodes;
using Gateway.LoadTests.Failover;

namespace Gateway.LoadTests.Tests.Failover;

public sealed class FailoverProxiesTests
{
    private static readonly Uri[] Upstreams = [new("http://127.0.0.1:6001/"), new("http://127.0.0.1:6002/"), new("http://127.0.0.1:6003/")];

    [Fact]
    public void OursConfig_RoutesEverythingToItsOwnClusterWithActiveHealthAndTheResponseTimeout()
    {
        using var config = FailoverProxies.OursConfig(Upstreams, TimeSpan.FromMilliseconds(2500));

        var proxy = JsonNode.Parse(File.ReadAllText(config.Write()))!["ReverseProxy"]!;

        // Not appsettings.json's "demo" cluster, whose destinations would be merged into it.
        Assert.Equal(FailoverProxies.OursCluster, (string?)proxy["Routes"]!["demo"]!["ClusterId"]);
        Assert.NotEqual("demo", FailoverProxies.OursCluster);
        var cluster = proxy["Clusters"]![FailoverProxies.OursCluster]!;
        Assert.Equal("ConcurrencyAware", (string?)cluster["LoadBalancingPolicy"]);
        Assert.Equal(3, cluster["Destinations"]!.AsObject().Count);
        var active = cluster["HealthCheck"]!["Active"]!;
        Assert.True((bool)active["Enabled"]!);
        Assert.Equal(FailoverProxies.OursActiveHealthPolicy, (string?)active["Policy"]);
        Assert.Equal("00:00:01", (string?)active["Interval"]);
        Assert.Equal("00:00:01", (string?)active["Timeout"]);
        Assert.Equal("/healthz", (string?)active["Path"]);
        Assert.Equal("00:00:02.5000000", (string?)cluster["HttpRequest"]!["ActivityTimeout"]);
    }

    [Fact]
    public void StockYarpClusterSettings_HasActiveAndPassiveHealthAndTheResponseTimeout()
    {
        var settings = FailoverProxies.StockYarpClusterSettings(TimeSpan.FromSeconds(5));

        Assert.Equal("ConsecutiveFailures", (string?)settings["HealthCheck"]!["Active"]!["Policy"]);
        Assert.Equal("TransportFailureRate", (string?)settings["HealthCheck"]!["Passive"]!["Policy"]);
        Assert.Equal("00:00:05", (string?)settings["HealthCheck"]!["Passive"]!["ReactivationPeriod"]);
        Assert.Equal("00:00:05", (string?)settings["HttpRequest"]!["ActivityTimeout"]);
    }
}
