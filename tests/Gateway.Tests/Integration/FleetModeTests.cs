using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.LoadGen;
using Gateway.Tests.Metrics;
using Xunit.Abstractions;

namespace Gateway.Tests.Integration;

/// <summary>
/// Fleet mode end to end: three gateway processes sharing a real redis-server in front of real DemoUpstreams, against
/// three replicas that decide alone; a Redis killed and restarted under traffic; a replica killed with SIGKILL.
/// </summary>
public sealed class FleetModeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Slots = 2;
    private readonly List<ServerProcess> _processes = [];
    private readonly List<GatewayConfigFile> _configs = [];
    private readonly HttpClient _client = new(LoadGenerator.CreateDefaultHandler()) { Timeout = TimeSpan.FromSeconds(60) };
    private RedisServer? _redis;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await Task.WhenAll(_processes.Select(p => p.DisposeAsync().AsTask()));
        foreach (var config in _configs)
        {
            config.Dispose();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task ThreeReplicas_BurstOverTwoUpstreams_FleetNeverExceedsTheLimitIndependentReplicasDo()
    {
        var fleetUpstreams = await StartUpstreamsAsync(2);
        var aloneUpstreams = await StartUpstreamsAsync(2);
        var fleet = await StartGatewaysAsync(3, fleetUpstreams, fleetMode: true);
        var alone = await StartGatewaysAsync(3, aloneUpstreams, fleetMode: false);

        // 24 requests of 300 ms at once, spread evenly over each set-up's three replicas: 6 rounds of its 4 slots.
        async Task<HttpResponseMessage[]> BurstAsync(ServerProcess[] gateways, string name) =>
            await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
                _client.GetAsync(new Uri(gateways[i % 3].BaseAddress, $"/{name}/{i}?ms=300"))));
        var results = await Task.WhenAll(BurstAsync(fleet, "fleet"), BurstAsync(alone, "alone"));

        Assert.All(results.SelectMany(r => r), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var fleetMax = await MaxInFlightAsync(fleetUpstreams);
        var aloneMax = await MaxInFlightAsync(aloneUpstreams);
        var localWaits = results[0].Select(r => double.Parse(r.Headers.GetValues("X-Demo-Queue-Ms").Single(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        output.WriteLine($"most in flight at an upstream (limit {Slots}): fleet {string.Join(", ", fleetMax)}, alone {string.Join(", ", aloneMax)}; "
            + $"fleet's longest wait at an upstream {localWaits.Max():0.0} ms");
        Assert.All(fleetMax, m => Assert.Equal(Slots, m));
        Assert.Contains(aloneMax, m => m > Slots);
        // Nothing queued at an upstream. The upstream frees a slot a moment after it sends the response headers that
        // release the lease, so the next request can find it still taken for that moment (a few ms on a loaded machine);
        // a request really queued there waits out most of a 300 ms request. Half of one tells the two apart on any machine.
        Assert.All(localWaits, w => Assert.True(w is >= 0 and < 150, $"waits at the upstream: {string.Join(", ", localWaits.Select(w => w.ToString("0.0")))} ms"));

        foreach (var gateway in fleet)
        {
            // Shared mode throughout: no replica fell back to its own gate.
            var scraped = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
            Assert.Equal(0, scraped.Sum("gateway_fleet_fallbacks_total", ("reason", "redis_unavailable")));
        }

        var metrics = await Exposition.ScrapeAsync(_client, fleet[0].BaseAddress);
        Assert.Equal(0, metrics.Value("gateway_fleet_degraded"));
        Assert.Equal(3, metrics.Value("gateway_fleet_replicas"));
        var acquires = metrics.Sum("gateway_fleet_redis_round_trips_total", ("operation", "acquire"));
        Assert.True(acquires >= 8);

        // Every acquire Redis answered is timed: the histogram counts calls, and the first acquires of a burst, sent
        // before the script is cached, take two trips each (EVALSHA, then EVAL after a NOSCRIPT); its sum is the time
        // they took, each within the 2 s call timeout.
        var timed = metrics.Value("gateway_fleet_redis_duration_seconds_count", ("operation", "acquire"));
        var seconds = metrics.Value("gateway_fleet_redis_duration_seconds_sum", ("operation", "acquire"));
        output.WriteLine($"acquire calls {acquires}, timed {timed}, mean {seconds / timed * 1000:0.00} ms");
        Assert.InRange(timed, Math.Ceiling(acquires / 2), acquires);
        Assert.InRange(seconds, 1e-6, timed * 2.0);
        Assert.Equal(timed, metrics.Value("gateway_fleet_redis_duration_seconds_bucket", ("operation", "acquire"), ("le", "+Inf")));
    }

    [Fact]
    public async Task Reserves_AnIdleReplicasRequestsSkipRedis_AndARequestWaitingElsewhereGetsTheSlotsBack()
    {
        var upstreams = await StartUpstreamsAsync(2);
        var gateways = await StartGatewaysAsync(3, upstreams, fleetMode: true);

        // One request at a time at the first replica: after the first, each finds a slot it holds in reserve.
        for (var i = 0; i < 20; i++)
        {
            using var response = await _client.GetAsync(new Uri(gateways[0].BaseAddress, $"/seq/{i}?ms=20"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var quiet = await Exposition.ScrapeAsync(_client, gateways[0].BaseAddress);
        var fromReserve = quiet.Sum("gateway_fleet_slots_taken_total", ("via", "reserve"));
        var fromRedis = quiet.Sum("gateway_fleet_slots_taken_total", ("via", "redis"));
        output.WriteLine($"20 sequential requests: {fromReserve} slots from the reserve, {fromRedis} from Redis; "
            + $"{quiet.Sum("gateway_fleet_redis_round_trips_total", ("operation", "acquire"))} acquire calls");
        Assert.Equal(20, fromReserve + fromRedis);
        Assert.True(fromReserve >= 17, $"{fromReserve} of 20 from the reserve");
        await Eventually.ValueAsync(
            async () => (await Exposition.ScrapeAsync(_client, gateways[0].BaseAddress)).Value("gateway_fleet_reserve"), reserve => reserve == 1, "the first replica holds 1 slot in reserve");

        // The first replica holds 1 of the 4 slots (a second would need 6 others free). Four requests at once at the
        // second need all four: one waits in the fleet's queue until the first replica gives its reserve back. Without
        // the reclaim it would time out.
        var burst = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => _client.GetAsync(new Uri(gateways[1].BaseAddress, $"/burst/{i}?ms=400"))));

        Assert.All(burst, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var reclaimed = (await Exposition.ScrapeAsync(_client, gateways[0].BaseAddress)).Sum("gateway_fleet_reclaims_total");
        output.WriteLine($"reserved slots the first replica gave back: {reclaimed}");
        Assert.True(reclaimed >= 1, "the first replica gave nothing back");
        Assert.All(await MaxInFlightAsync(upstreams), m => Assert.Equal(Slots, m));
        // Nothing queued at an upstream: a request that did would wait out a whole 400 ms request there, so the bound is
        // half of that, however slow the machine is.
        var localWaits = burst.Select(r => double.Parse(r.Headers.GetValues("X-Demo-Queue-Ms").Single(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(localWaits, w => Assert.InRange(w, 0, 200));
    }

    [Fact]
    public async Task RedisStallsUnderTraffic_OnceTrafficStops_RedisCountsOnlyTheReservesTheReplicasHold()
    {
        var upstreams = await StartUpstreamsAsync(2);
        var gateways = await StartGatewaysAsync(
            3, upstreams, fleetMode: true, "--Gateway:Fleet:Timeout=00:00:00.100", "--Gateway:Fleet:LeaseTime=00:00:03", "--Gateway:Fleet:HeartbeatInterval=00:00:01");
        using var stop = new CancellationTokenSource();
        var statuses = new List<HttpStatusCode>();
        var traffic = TrafficAsync(gateways, "/s", TimeSpan.FromMilliseconds(30), statuses, stop.Token);

        // Stalls past the call timeout: calls fail while Redis may still run them, replicas fall back and return.
        foreach (var stall in new[] { 300, 300, 1500, 300 })
        {
            await Task.Delay(700);
            _redis!.Freeze(true);
            await Task.Delay(stall);
            _redis.Freeze(false);
        }

        await Task.Delay(1000);
        await stop.CancelAsync();
        await traffic;

        // Past the lease time every slot Redis counts is one a replica holds in reserve, and a replica holds nothing else:
        // a slot whose call failed while Redis still ran it expires, and no lease is renewed without a holder.
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis!.Configuration);
        var settled = await Eventually.ValueAsync(
            async () =>
            {
                var (reserves, leases, fallbacks) = (0.0, 0.0, 0.0);
                foreach (var gateway in gateways)
                {
                    var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
                    reserves += metrics.Value("gateway_fleet_reserve");
                    leases += metrics.Value("gateway_fleet_leases");
                    fallbacks += metrics.Sum("gateway_fleet_fallbacks_total", ("reason", "redis_unavailable"));
                }

                var counted = (await redis.GetDatabase().HashValuesAsync("{gw:test}:total")).Sum(v => (long)v);
                return (Counted: counted, Leases: leases, Reserves: reserves, Fallbacks: fallbacks);
            },
            c => c.Counted == c.Reserves && c.Leases == c.Reserves && c.Reserves <= 6,
            "Redis counts only the slots the replicas hold in reserve, and they hold no other lease",
            describe: c => $"Redis counts {c.Counted} slots, the replicas hold {c.Leases} leases of which {c.Reserves} in reserve");
        var fallbacks = settled.Fallbacks;
        output.WriteLine($"Redis counts {settled.Counted} slots, the replicas hold {settled.Leases} leases of which {settled.Reserves} in reserve");
        output.WriteLine($"{statuses.Count} requests, {fallbacks} switches to local mode");
        Assert.True(fallbacks >= 1, "no replica fell back: the stalls did not test anything");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task RedisKilledUnderTraffic_NoServerErrors_DegradedWithinASecond_SharedAgainAfterARestart()
    {
        var upstreams = await StartUpstreamsAsync(2);
        var gateways = await StartGatewaysAsync(3, upstreams, fleetMode: true);
        using var stop = new CancellationTokenSource();
        var statuses = new List<HttpStatusCode>();
        var traffic = TrafficAsync(gateways, "/t", TimeSpan.FromMilliseconds(20), statuses, stop.Token);
        await Task.Delay(500);

        await _redis!.StopAsync();
        var killed = Stopwatch.StartNew();
        await Eventually.ValueAsync(() => HealthAsync(gateways[2]), status => status == "degraded", "a replica reports degraded after the kill");
        var degradedAfter = killed.Elapsed;
        await Task.Delay(1000);
        await _redis.RestartAsync();
        var restarted = Stopwatch.StartNew();
        foreach (var gateway in gateways)
        {
            await Eventually.ValueAsync(() => HealthAsync(gateway), status => status == "ok", "every replica reports ok after the restart");
        }

        var sharedAfter = restarted.Elapsed;
        await Task.Delay(500);
        await stop.CancelAsync();
        await traffic;

        output.WriteLine($"{statuses.Count} requests; degraded {degradedAfter.TotalMilliseconds:0} ms after the kill; shared again {sharedAfter.TotalMilliseconds:0} ms after the restart");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(degradedAfter < TimeSpan.FromSeconds(1), $"degraded after {degradedAfter}");
        var metrics = await Exposition.ScrapeAsync(_client, gateways[0].BaseAddress);
        Assert.Equal(0, metrics.Value("gateway_fleet_degraded"));
        Assert.True(metrics.Sum("gateway_fleet_fallbacks_total", ("reason", "redis_unavailable")) >= 1);
    }

    [Fact]
    public async Task ReplicaKilled_ItsSlotsComeBackWithinTheLeaseTime_TheOthersKeepServing()
    {
        var upstreams = await StartUpstreamsAsync(1);
        var gateways = await StartGatewaysAsync(2, upstreams, fleetMode: true, "--Gateway:Fleet:LeaseTime=00:00:03", "--Gateway:Fleet:HeartbeatInterval=00:00:00.500");

        // The first replica takes both slots with requests that would run for a minute, then dies.
        var doomed = Enumerable.Range(0, Slots).Select(i => _client.GetAsync(new Uri(gateways[0].BaseAddress, $"/long/{i}?ms=60000"))).ToArray();
        await Eventually.ValueAsync(() => MaxInFlightAsync(upstreams), maxInFlight => maxInFlight[0] == Slots, "the doomed requests hold both slots");
        await gateways[0].KillAsync();
        var killed = Stopwatch.StartNew();

        // The upstream still runs those two; once they are done there the survivor gets the slots, as soon as the
        // dead replica's leases expire, and never a third request at once.
        using var response = await _client.GetAsync(new Uri(gateways[1].BaseAddress, "/after/1?ms=10"));
        var waited = killed.Elapsed;
        output.WriteLine($"first request through the survivor finished {waited.TotalMilliseconds:0} ms after the kill");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(waited < TimeSpan.FromSeconds(3 + 1.5), $"took {waited}");
        Assert.True(waited > TimeSpan.FromSeconds(2), $"took {waited}: the dead replica's slots must be held until its leases expire");
        foreach (var request in doomed)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => request);
        }
    }

    /// <summary>Six clients, each sending one request after another, spread over the replicas, until stopped.</summary>
    private Task TrafficAsync(ServerProcess[] gateways, string path, TimeSpan serviceTime, List<HttpStatusCode> statuses, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, 6).Select(async worker =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await _client.GetAsync(new Uri(gateways[worker % gateways.Length].BaseAddress, $"{path}/{worker}/{i}?ms={serviceTime.TotalMilliseconds}"));
                lock (statuses)
                {
                    statuses.Add(response.StatusCode);
                }
            }
        }));

    private async Task<string?> HealthAsync(ServerProcess gateway)
    {
        using var response = await _client.GetAsync(new Uri(gateway.BaseAddress, "/healthz"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString();
    }

    private async Task<int[]> MaxInFlightAsync(ServerProcess[] upstreams) =>
        await Task.WhenAll(upstreams.Select(async u =>
        {
            using var stats = JsonDocument.Parse(await _client.GetStringAsync(new Uri(u.BaseAddress, "/demo/stats")));
            return stats.RootElement.GetProperty("max_in_flight").GetInt32();
        }));

    private async Task<ServerProcess[]> StartUpstreamsAsync(int count)
    {
        var upstreams = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => ServerProcess.StartDemoUpstreamAsync(
            $"--DemoUpstream:Slots={Slots}", "--Logging:LogLevel:Microsoft.AspNetCore=Warning")));
        _processes.AddRange(upstreams);
        return upstreams;
    }

    private async Task<ServerProcess[]> StartGatewaysAsync(int count, ServerProcess[] upstreams, bool fleetMode, params string[] args)
    {
        var config = new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, upstreams.Select(u => u.BaseAddress));
        config.Set("ReverseProxy:Clusters:test:HealthCheck:Active", new JsonObject
        {
            ["Enabled"] = true,
            ["Interval"] = "00:00:05",
            ["Timeout"] = "00:00:01",
            ["Policy"] = LoadReportHealthPolicy.PolicyName,
            ["Path"] = "/healthz",
        });
        _configs.Add(config);
        var path = config.Write();
        // A generous call timeout: on this loaded 2-core machine a Redis call can stall past the default 250 ms, and
        // the replica would then (rightly) fall back to local mode, which is not what these tests look at.
        string[] fleet = fleetMode ? [$"--Gateway:Fleet:Redis={_redis!.Configuration}", "--Gateway:Fleet:Timeout=00:00:02"] : [];
        var gateways = await Task.WhenAll(Enumerable.Range(0, count).Select(i => ServerProcess.StartGatewayAsync(
            ["--config", path, .. fleet, $"--Gateway:Fleet:ReplicaId=r{i}-{Guid.NewGuid():N}", .. args])));
        _processes.AddRange(gateways);
        foreach (var gateway in gateways)
        {
            await Eventually.ValueAsync(() => HealthAsync(gateway), status => status == "ok", "the replica reports ok");
            // The first active probe teaches each replica the upstreams' limit; until it answers, a cold destination
            // takes one request at a time, which these tests would read as the fleet holding slots back.
            await Eventually.ValueAsync(
                async () => (await Exposition.ScrapeAsync(_client, gateway.BaseAddress)).Samples.Count(
                    s => s.Matches("gateway_destination_concurrency_limit", ("cluster", "test")) && s.Value == Slots),
                learned => learned == upstreams.Length,
                "the replica learned every upstream's limit from its first probes");
        }

        return gateways;
    }
}
