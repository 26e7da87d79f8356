using System.Globalization;
using Gateway.LoadGen;
using Gateway.LoadTests.Peers;
using Gateway.Testing;

namespace Gateway.LoadTests.UlqSweep;

/// <summary>The balancer set-ups the sweep compares, and how to start each one in front of its own DemoUpstreams.</summary>
internal static class SweepSystems
{
    public const string RandomDirect = "random-direct";
    public const string YarpRoundRobin = "yarp-roundrobin";
    public const string YarpPowerOfTwo = "yarp-p2c";
    public const string YarpLeastRequests = "yarp-leastrequests";
    public const string HAProxy = "haproxy-leastconn";
    public const string GatewayLeastOutstanding = "gw-lo-1";
    public const string GatewayConcurrencyAware = "gw-ca-1";
    public const string GatewayLeastOutstanding3 = "gw-lo-3";
    public const string GatewayConcurrencyAware3 = "gw-ca-3";

    // Not in All: three replicas of each peer in front of the same upstreams, for the fleet benchmark.
    public const string YarpPowerOfTwo3 = "yarp-p2c-3";
    public const string YarpLeastRequests3 = "yarp-leastrequests-3";
    public const string HAProxy3 = "haproxy-leastconn-3";

    public static IReadOnlyList<string> All { get; } =
    [
        RandomDirect, YarpRoundRobin, YarpPowerOfTwo, YarpLeastRequests, HAProxy,
        GatewayLeastOutstanding, GatewayConcurrencyAware, GatewayLeastOutstanding3, GatewayConcurrencyAware3,
    ];

    /// <summary>
    /// Runtime settings for every .NET process in the sweep (upstreams, stock YARP and the gateway alike): about forty
    /// processes share two cores, and by default each one spins its thread pool's workers before they sleep, runs a
    /// server GC per core and re-JITs hot code with instrumentation, which together saturated the machine at 40% load.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_gcServer"] = "0",
        ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        ["DOTNET_TieredPGO"] = "0",
    };

    public static Task<SweepSystem> StartAsync(string id, UlqSweepOptions options) => StartAsync(id, options.Upstreams, options.Slots);

    /// <summary>
    /// Starts set-up <paramref name="id"/> in front of its own <paramref name="upstreamCount"/> DemoUpstreams ×
    /// <paramref name="slots"/>. <paramref name="gatewayArgs"/> go to every gateway replica (e.g. fleet mode's Redis);
    /// <paramref name="selection"/> is how arrivals spread over a set-up's replicas.
    /// </summary>
    public static async Task<SweepSystem> StartAsync(
        string id, int upstreamCount, int slots, IReadOnlyList<string>? gatewayArgs = null, UrlSelection selection = UrlSelection.RoundRobin)
    {
        var processes = new List<IAsyncDisposable>();
        var files = new List<IDisposable>();
        try
        {
            var upstreams = await Task.WhenAll(Enumerable.Range(0, upstreamCount).Select(i => TrackedAsync(ServerProcess.StartAsync(
                RepoLayout.DemoUpstreamDll,
                [$"--DemoUpstream:Slots={slots}", $"--DemoUpstream:ServiceName={id}-u{i + 1}",
                    "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"],
                Environment))));
            IReadOnlyList<Uri> servers = [.. upstreams.Select(u => u.BaseAddress)];
            var (label, urls) = id switch
            {
                RandomDirect => ("random, direct to upstreams (no balancer)", servers),
                YarpRoundRobin => ("stock YARP RoundRobin", await StockYarpAsync("RoundRobin", 1)),
                YarpPowerOfTwo => ("stock YARP PowerOfTwoChoices", await StockYarpAsync("PowerOfTwoChoices", 1)),
                YarpLeastRequests => ("stock YARP LeastRequests", await StockYarpAsync("LeastRequests", 1)),
                YarpPowerOfTwo3 => ("stock YARP PowerOfTwoChoices × 3", await StockYarpAsync("PowerOfTwoChoices", 3)),
                YarpLeastRequests3 => ("stock YARP LeastRequests × 3", await StockYarpAsync("LeastRequests", 3)),
                HAProxy => ($"HAProxy leastconn, maxconn {slots}", await HAProxyAsync(1)),
                HAProxy3 => ($"HAProxy leastconn, maxconn {slots} × 3", await HAProxyAsync(3)),
                GatewayLeastOutstanding => ("Gateway LeastOutstanding × 1", await GatewaysAsync("LeastOutstanding", 1)),
                GatewayConcurrencyAware => ("Gateway ConcurrencyAware × 1", await GatewaysAsync("ConcurrencyAware", 1)),
                GatewayLeastOutstanding3 => ("Gateway LeastOutstanding × 3", await GatewaysAsync("LeastOutstanding", 3)),
                GatewayConcurrencyAware3 => ("Gateway ConcurrencyAware × 3", await GatewaysAsync("ConcurrencyAware", 3)),
                _ => throw new ArgumentException($"unknown system '{id}'"),
            };
            var target = new LoadTarget(id, urls) { Selection = id == RandomDirect ? UrlSelection.Random : selection };
            return new SweepSystem(id, label, target, processes, files);

            async Task<IReadOnlyList<Uri>> StockYarpAsync(string policy, int replicas)
            {
                var proxies = await Task.WhenAll(Enumerable.Range(0, replicas).Select(_ => TrackedAsync(PeerProxies.StartStockYarpAsync(policy, servers, Environment))));
                return [.. proxies.Select(p => p.BaseAddress)];
            }

            async Task<IReadOnlyList<Uri>> HAProxyAsync(int replicas)
            {
                var proxies = await Task.WhenAll(Enumerable.Range(0, replicas).Select(_ => TrackedAsync(PeerProxies.StartHAProxyAsync(servers, "leastconn", slots))));
                return [.. proxies.Select(p => p.BaseAddress)];
            }

            async Task<IReadOnlyList<Uri>> GatewaysAsync(string policy, int replicas)
            {
                // The access log stays off: it would cost CPU this 2-core machine needs for the other systems.
                var config = new GatewayConfigFile().AddCluster("sweep", policy, servers);
                files.Add(config);
                var path = config.Write();
                var gateways = await Task.WhenAll(Enumerable.Range(0, replicas).Select(r => TrackedAsync(ServerProcess.StartAsync(
                    RepoLayout.GatewayDll,
                    ["--config", path, string.Create(CultureInfo.InvariantCulture, $"--Gateway:LoadBalancing:Seed={r + 1}"), .. gatewayArgs ?? []],
                    Environment))));
                return [.. gateways.Select(g => g.BaseAddress)];
            }
        }
        catch
        {
            await SweepSystem.StopAsync(processes, files);
            throw;
        }

        // Each process is recorded as soon as it listens, so a failure while starting its siblings still stops it.
        async Task<T> TrackedAsync<T>(Task<T> starting)
            where T : IAsyncDisposable
        {
            var process = await starting;
            lock (processes)
            {
                processes.Add(process);
            }

            return process;
        }
    }
}
