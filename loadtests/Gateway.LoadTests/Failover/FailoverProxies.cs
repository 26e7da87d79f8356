using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.LoadTests.Peers;
using Gateway.Testing;

namespace Gateway.LoadTests.Failover;

/// <summary>The three proxies of the failover scenario, each set up as it would be for failover in production.</summary>
internal static class FailoverProxies
{
    /// <summary>The gateway's active health policy: probes /healthz and reads the load report it answers with.</summary>
    public const string OursActiveHealthPolicy = "LoadReport";

    /// <summary>The gateway's cluster of the three upstreams.</summary>
    public const string OursCluster = "failover";

    /// <summary>What every proxy probes: DemoUpstream answers it without taking a worker slot.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>Active health checks: every second, each with a second to answer.</summary>
    public static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Stock YARP's passive health takes a destination back after this; the gateway's own default is the same.</summary>
    public static readonly TimeSpan YarpReactivationPeriod = TimeSpan.FromSeconds(5);

    public static string Describe(FailoverProxy proxy) => proxy switch
    {
        FailoverProxy.Ours => "ours",
        FailoverProxy.HAProxy => "HAProxy",
        _ => "stock YARP",
    };

    /// <summary>How the proxy is set up, in a sentence for the report.</summary>
    public static string Settings(FailoverProxy proxy, TimeSpan responseTimeout)
    {
        var timeout = FailoverReport.Prose(responseTimeout);
        return proxy switch
        {
            FailoverProxy.Ours => string.Create(CultureInfo.InvariantCulture,
                $"the gateway (src/Gateway): `ConcurrencyAware`; active health checks `{OursActiveHealthPolicy}` (GET {HealthPath} every 1 s, timeout 1 s); `HttpRequest.ActivityTimeout` {timeout}; passive health, retries and everything else at the gateway's defaults."),
            FailoverProxy.HAProxy => string.Create(CultureInfo.InvariantCulture,
                $"Debian's haproxy: `balance leastconn`; `option httpchk GET {HealthPath}`, `check inter 1s fall 2 rise 2`, `timeout check 1s`; `retries 3`, `option redispatch` (retry-on at its default, conn-failure); `timeout connect 5s`, `timeout server` {timeout}."),
            _ => string.Create(CultureInfo.InvariantCulture,
                $"loadtests/StockYarp (YARP 2.1, nothing added): `LeastRequests`; active health `ConsecutiveFailures` (GET {HealthPath} every 1 s, timeout 1 s, threshold 2); passive health `TransportFailureRate` (defaults: 30% of requests in 60 s, at least 10), `ReactivationPeriod` {FailoverReport.Prose(YarpReactivationPeriod)}; `HttpRequest.ActivityTimeout` {timeout}."),
        };
    }

    public static async Task<StartedProxy> StartAsync(FailoverProxy proxy, IReadOnlyList<Uri> upstreams, TimeSpan responseTimeout)
    {
        switch (proxy)
        {
            case FailoverProxy.Ours:
                var config = OursConfig(upstreams, responseTimeout);
                try
                {
                    var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
                    return new StartedProxy(proxy, gateway.BaseAddress, gateway, config);
                }
                catch
                {
                    config.Dispose();
                    throw;
                }

            case FailoverProxy.HAProxy:
                var haproxy = await PeerProxies.StartHAProxyWithHealthChecksAsync(upstreams, responseTimeout, HealthPath);
                return new StartedProxy(proxy, haproxy.BaseAddress, haproxy, null);

            default:
                var yarp = await PeerProxies.StartStockYarpAsync("LeastRequests", upstreams, clusterSettings: StockYarpClusterSettings(responseTimeout));
                return new StartedProxy(proxy, yarp.BaseAddress, yarp, null);
        }
    }

    /// <summary>
    /// The gateway's --config: the catch-all route to one cluster of the upstreams, with active health checks and the
    /// response timeout. The cluster is not appsettings.json's "demo": the file is layered over appsettings.json, so a
    /// "demo" cluster here would keep that one's three destinations (ports 5001-5003) besides these.
    /// </summary>
    public static GatewayConfigFile OursConfig(IReadOnlyList<Uri> upstreams, TimeSpan responseTimeout) => new GatewayConfigFile()
        .AddCluster(OursCluster, "ConcurrencyAware", upstreams)
        .Set($"ReverseProxy:Clusters:{OursCluster}:HealthCheck", new JsonObject { ["Active"] = ActiveHealth(OursActiveHealthPolicy) })
        .Set($"ReverseProxy:Clusters:{OursCluster}:HttpRequest", HttpRequest(responseTimeout));

    /// <summary>Stock YARP's cluster keys: both kinds of health check, and the response timeout.</summary>
    public static JsonObject StockYarpClusterSettings(TimeSpan responseTimeout) => new()
    {
        ["HealthCheck"] = new JsonObject
        {
            ["Active"] = ActiveHealth("ConsecutiveFailures"),
            ["Passive"] = new JsonObject
            {
                ["Enabled"] = true,
                ["Policy"] = "TransportFailureRate",
                ["ReactivationPeriod"] = YarpReactivationPeriod.ToString("c", CultureInfo.InvariantCulture),
            },
        },
        ["HttpRequest"] = HttpRequest(responseTimeout),
    };

    private static JsonObject ActiveHealth(string policy) => new()
    {
        ["Enabled"] = true,
        ["Interval"] = HealthInterval.ToString("c", CultureInfo.InvariantCulture),
        ["Timeout"] = HealthTimeout.ToString("c", CultureInfo.InvariantCulture),
        ["Policy"] = policy,
        ["Path"] = HealthPath,
    };

    private static JsonObject HttpRequest(TimeSpan responseTimeout) =>
        new() { ["ActivityTimeout"] = responseTimeout.ToString("c", CultureInfo.InvariantCulture) };
}
