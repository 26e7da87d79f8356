using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.LoadGen;
using Gateway.Tests.Metrics;
using Xunit.Abstractions;

namespace Gateway.Tests.Integration;

/// <summary>
/// Dead, hung, overloaded and cold upstreams: real DemoUpstream processes on loopback, killed with SIGKILL or paused
/// with SIGSTOP, behind a gateway on real Kestrel.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ServerProcess> _upstreams = [];
    private readonly HttpClient _client = new(LoadGenerator.CreateDefaultHandler()) { Timeout = TimeSpan.FromSeconds(30) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _client.Dispose();
        foreach (var upstream in _upstreams)
        {
            await upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task KilledUpstream_RequestsAfterTheKillAllSucceed_ItIsEjectedAndRetriesAreCounted()
    {
        await StartUpstreamsAsync(3);
        using var config = Config(GatewayPolicies.ConcurrencyAware);
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => GetOkAsync(gateway, $"/warm/{i}?ms=5")));

        await _upstreams[0].KillAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            using var response = await _client.GetAsync(new Uri(gateway.BaseAddress, $"/after/{i}?ms=1"));
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        // The dead one ranks last after its first refusal, so light traffic never returns to it; a burst beyond the
        // live upstreams' 24 slots does, and its refusals eject it. Every request of the burst still succeeds.
        var burst = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => _client.GetAsync(new Uri(gateway.BaseAddress, $"/burst/{i}?ms=200"))));
        Assert.All(burst, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.True(metrics.Sum("gateway_upstream_retries_total", ("destination", "u1"), ("kind", "connection_refused")) >= 1);
        Assert.Equal(1, metrics.Value("gateway_destination_ejections_total", ("destination", "u1"), ("reason", "consecutive_failures")));
        Assert.Equal(1, metrics.Value("gateway_destination_ejected", ("destination", "u1")));
        Assert.Equal(0, metrics.Value("gateway_destination_ejected", ("destination", "u2")));
        Assert.Equal(0, metrics.Sum("gateway_requests_total", ("code", "502")));
    }

    [Fact]
    public async Task KilledUpstream_RestartedOnItsPort_IsBackInRotationAfterTheReactivationPeriod()
    {
        await StartUpstreamsAsync(2);
        using var config = Config(GatewayPolicies.LeastOutstanding).Set("Gateway:Health:ReactivationPeriod", "00:00:01");
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        var port = _upstreams[0].BaseAddress.Port;
        await _upstreams[0].KillAsync();
        for (var i = 0; i < 10; i++)
        {
            await GetOkAsync(gateway, $"/dead/{i}?ms=1");
        }

        _upstreams.Add(await ServerProcess.StartDemoUpstreamOnPortAsync(port, "--DemoUpstream:ServiceName=u1-again"));
        var clock = Stopwatch.StartNew();
        await Eventually.ValueAsync(() => ServiceOfAsync(gateway, "/back?ms=20"), service => service == "u1-again", "a request is served by the restarted upstream");

        // The reactivation period is 1 s; with the default 5 s it would not be back this soon.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task EveryDestinationDead_502ProblemNamesTheDestinationsAndConnectionRefused()
    {
        await StartUpstreamsAsync(2);
        using var config = Config(GatewayPolicies.LeastOutstanding);
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        await _upstreams[0].KillAsync();
        await _upstreams[1].KillAsync();

        using var response = await _client.GetAsync(new Uri(gateway.BaseAddress, "/nobody"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("upstream_error", problem.GetProperty("reason").GetString());
        Assert.Equal("connection_refused", problem.GetProperty("failure").GetString());
        var last = problem.GetProperty("destination").GetString();
        Assert.Contains(last, new[] { "u1", "u2" });
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains($"Destination '{last}' of cluster 'test' refused the connection.", detail);
        Assert.Contains($"Tried before it: '{(last == "u1" ? "u2" : "u1")}'.", detail);
    }

    [Fact]
    public async Task HungUpstream_RequestsCostAtMostTheActivityTimeout_ThenTrafficMovesAndNoSlotLeaks()
    {
        await StartUpstreamsAsync(2);
        using var config = Config(GatewayPolicies.ConcurrencyAware)
            .Set("Gateway:Upstream:ActivityTimeout", "00:00:02")
            .Set("Gateway:Health:ReactivationPeriod", "00:00:01");
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => GetOkAsync(gateway, $"/warm/{i}?ms=5")));

        _upstreams[0].Pause();
        var clock = Stopwatch.StartNew();
        var first = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => TimedGetAsync(gateway, $"/during/{i}?ms=50")));
        var timedOut = first.Where(r => r.Status == HttpStatusCode.GatewayTimeout).ToList();
        output.WriteLine($"hung upstream: {timedOut.Count} of 12 requests timed out; longest request {first.Max(r => r.Elapsed).TotalMilliseconds:0} ms (timeout 2000 ms)");

        Assert.All(first, r => Assert.True(r.Elapsed < TimeSpan.FromSeconds(3), $"a request took {r.Elapsed}: more than the timeout and 1 s"));
        Assert.NotEmpty(timedOut);
        Assert.All(timedOut, r => Assert.Equal(("timeout", "u1"), (r.Failure, r.Destination)));
        Assert.All(first.Except(timedOut), r => Assert.Equal(HttpStatusCode.OK, r.Status));

        // Ejected: the next requests all go to the other upstream at once. One that met u1 would have waited out the
        // activity timeout and been counted as u1's failure, so that count must not move.
        var failedBefore = (await Exposition.ScrapeAsync(_client, gateway.BaseAddress)).Sum("gateway_upstream_failures_total", ("destination", "u1"));
        var after = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => TimedGetAsync(gateway, $"/after/{i}?ms=50")));
        Assert.All(after, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(failedBefore, (await Exposition.ScrapeAsync(_client, gateway.BaseAddress)).Sum("gateway_upstream_failures_total", ("destination", "u1")));
        Assert.All(after, r => Assert.True(r.Elapsed < TimeSpan.FromSeconds(2), $"a request took {r.Elapsed}: as long as the activity timeout"));

        // Resumed, it answers the requests it had stalled on (their callers are gone), and no slot stays taken.
        _upstreams[0].Resume();
        var gate = Gate(gateway);
        await Eventually.ValueAsync(() => gate.Snapshot().Sum(d => d.InFlight), inFlight => inFlight == 0, "no slot is taken once the stalled requests are answered");
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.Equal(0, metrics.Sum("gateway_destination_inflight"));
        Assert.Equal(12, metrics.Value("gateway_destination_concurrency_limit", ("destination", "u1")));
        Assert.True(metrics.Sum("gateway_destination_ejections_total", ("destination", "u1")) >= 1);

        // And after the reactivation period it is back.
        await Eventually.ValueAsync(() => ServiceOfAsync(gateway, "/back?ms=20"), service => service == "u1", "a request is served by the resumed upstream");
    }

    [Fact]
    public async Task ColdStart_ActiveProbesTeachLimits_BurstStartsAtOnceOnAllThree()
    {
        await StartUpstreamsAsync(3, "--DemoUpstream:Slots=12");
        using var config = Config(GatewayPolicies.ConcurrencyAware);
        config.Set("ReverseProxy:Clusters:test:HealthCheck:Active", new JsonObject
        {
            ["Enabled"] = true,
            ["Interval"] = "00:00:10",
            ["Timeout"] = "00:00:01",
            ["Policy"] = LoadReportHealthPolicy.PolicyName,
            ["Path"] = "/healthz",
        });
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        await Eventually.ValueAsync(
            async () => (await _client.GetAsync(new Uri(gateway.BaseAddress, "/healthz"))).StatusCode, status => status == HttpStatusCode.OK, "/healthz answers 200");

        const double ServiceMs = 1000;
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _client.GetAsync(new Uri(gateway.BaseAddress, $"/cold/{i}?ms={ServiceMs}"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var waits = responses.Select(r => ServerTiming(r, "queue")
            + double.Parse(r.Headers.GetValues("X-Demo-Queue-Ms").Single(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var services = await Task.WhenAll(responses.Select(async r => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("service").GetString()));
        output.WriteLine($"cold burst of 20: longest wait before the app started {waits.Max():0.###} ms; per upstream "
            + string.Join(", ", services.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        // 20 requests, 36 slots: none has to wait for another. One that did would wait a whole service time, so the bound
        // is half of one, however slow the machine is.
        Assert.All(waits, w => Assert.True(w < ServiceMs / 2, $"waited {w} ms at the gateway and the upstream together: queued behind another request"));
        Assert.Equal(3, services.Distinct().Count());
    }

    [Fact]
    public async Task ActiveHealth_DeadDestination_IsUnhealthyInMetricsGetsNoTrafficAndComesBackAfterARestart()
    {
        await StartUpstreamsAsync(2);
        using var config = Config(GatewayPolicies.ConcurrencyAware);
        config.Set("ReverseProxy:Clusters:test:HealthCheck:Active", new JsonObject
        {
            ["Enabled"] = true,
            ["Interval"] = "00:00:00.250",
            ["Timeout"] = "00:00:01",
            ["Policy"] = LoadReportHealthPolicy.PolicyName,
            ["Path"] = "/healthz",
        });
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        var port = _upstreams[0].BaseAddress.Port;
        await Eventually.ValueAsync(
            async () => (await Exposition.ScrapeAsync(_client, gateway.BaseAddress)).Samples.Where(s => s.Name == "gateway_destination_unhealthy").Select(s => s.Value).ToArray(),
            unhealthy => unhealthy.Length == 2 && unhealthy.All(v => v == 0),
            "both destinations are reported healthy");

        await _upstreams[0].KillAsync();
        await Eventually.ValueAsync(
            () => UnhealthyAsync(gateway, "u1"), unhealthy => unhealthy == 1, "the killed destination is reported unhealthy");
        var served = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            served.Add(await ServiceOfAsync(gateway, $"/unhealthy/{i}?ms=1"));
        }

        Assert.All(served, s => Assert.Equal("u2", s));
        Assert.Equal(0, (await Exposition.ScrapeAsync(_client, gateway.BaseAddress)).Sum("gateway_upstream_failures_total", ("destination", "u1")));

        _upstreams.Add(await ServerProcess.StartDemoUpstreamOnPortAsync(port, "--DemoUpstream:ServiceName=u1-again"));
        await Eventually.ValueAsync(
            () => UnhealthyAsync(gateway, "u1"), unhealthy => unhealthy == 0, "the restarted destination is reported healthy again");
        var back = new HashSet<string>();
        for (var i = 0; i < 40 && !back.Contains("u1-again"); i++)
        {
            back.Add(await ServiceOfAsync(gateway, $"/back/{i}?ms=1"));
        }

        Assert.Contains("u1-again", back);
    }

    [Fact]
    public async Task ConnectTimeout_ListenerThatNeverAccepts_CountsAsConnectTimeoutAndIsRetriedElsewhere()
    {
        await StartUpstreamsAsync(1);

        // A listen backlog of one, filled by connections nobody accepts: the kernel drops further SYNs, so a connect
        // there hangs as it would towards a host that has gone away.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(1);
        var silentEndpoint = (IPEndPoint)silent.LocalEndPoint!;
        var fillers = new List<Socket>();
        for (var i = 0; i < 4; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _ = filler.ConnectAsync(silentEndpoint);
            fillers.Add(filler);
        }

        using var config = new GatewayConfigFile()
            .AddCluster("test", GatewayPolicies.LeastOutstanding, [_upstreams[0].BaseAddress, new Uri($"http://127.0.0.1:{silentEndpoint.Port}/")])
            .Set("Gateway:Upstream:ConnectTimeout", "00:00:00.300")
            .Set("Gateway:Health:ReactivationPeriod", "00:00:00.001");
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        try
        {
            var timed = new List<TimeSpan>();
            for (var i = 0; i < 10; i++)
            {
                var clock = Stopwatch.StartNew();
                Assert.Equal("u1", await ServiceOfAsync(gateway, $"/slow-connect/{i}?ms=1"));
                timed.Add(clock.Elapsed);
            }

            var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
            // Destination u2 is the silent listener; the upstream (service u1) answered every request.
            var timeouts = metrics.Sum("gateway_upstream_retries_total", ("destination", "u2"), ("kind", "connect_timeout"));
            Assert.True(timeouts >= 1, "no request met the silent listener");
            Assert.Equal(timeouts, metrics.Sum("gateway_upstream_failures_total", ("destination", "u2")));

            // A retried request costs about the connect timeout, not HttpClient's 15 s or the kernel's SYN retries.
            Assert.All(timed, t => Assert.True(t < TimeSpan.FromSeconds(2), $"a request took {t}"));
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task ActiveHealth_EveryDestinationDeadWithoutPanicMode_503NoHealthyDestination()
    {
        await StartUpstreamsAsync(2);
        using var config = Config(GatewayPolicies.ConcurrencyAware);

        // YARP's default, HealthyOrPanic, offers every destination when none is healthy (and the request then fails with
        // 502 connection_refused); HealthyAndUnknown offers none.
        config.Set("ReverseProxy:Clusters:test:HealthCheck:AvailableDestinationsPolicy", "HealthyAndUnknown");
        config.Set("ReverseProxy:Clusters:test:HealthCheck:Active", new JsonObject
        {
            ["Enabled"] = true,
            ["Interval"] = "00:00:00.250",
            ["Policy"] = LoadReportHealthPolicy.PolicyName,
            ["Path"] = "/healthz",
        });
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        await _upstreams[0].KillAsync();
        await _upstreams[1].KillAsync();
        await Eventually.ValueAsync(
            async () => (await Exposition.ScrapeAsync(_client, gateway.BaseAddress)).Sum("gateway_destination_unhealthy"),
            unhealthy => unhealthy == 2,
            "both killed destinations are reported unhealthy");

        using var response = await _client.GetAsync(new Uri(gateway.BaseAddress, "/nobody"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("no_available_destinations", problem.GetProperty("reason").GetString());
        Assert.Equal("No healthy destination", problem.GetProperty("title").GetString());
        Assert.Contains("Cluster 'test' has no healthy destination", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LowLoad_WithoutProbes_SequentialRequestsSpreadOverEveryDestination()
    {
        await StartUpstreamsAsync(3);
        using var config = Config(GatewayPolicies.ConcurrencyAware);
        await using var gateway = await InProcessGateway.StartAsync(config.Write());

        var served = new Dictionary<string, int>();
        for (var i = 0; i < 60; i++)
        {
            var service = await ServiceOfAsync(gateway, $"/light/{i}?ms=1");
            served[service] = served.GetValueOrDefault(service) + 1;
        }

        // Ties go at random, and a destination that has not told its limit yet ranks with idle ones: no one starves.
        Assert.Equal(["u1", "u2", "u3"], served.Keys.Order());
        Assert.All(served.Values, n => Assert.InRange(n, 5, 50));
    }

    [Fact]
    public async Task Upstream503WithRetryAfter_HoldsNewWorkBackWithoutEjecting()
    {
        await StartUpstreamsAsync(2);
        using var config = Config(GatewayPolicies.LeastOutstanding);
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        (await _client.PostAsync(new Uri(_upstreams[0].BaseAddress, "/demo/overload?seconds=3"), null)).EnsureSuccessStatusCode();

        var clock = Stopwatch.StartNew();
        var statuses = new List<(HttpStatusCode Status, string? Service)>();
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            using var response = await _client.GetAsync(new Uri(gateway.BaseAddress, "/busy?ms=5"));
            statuses.Add((response.StatusCode, response.IsSuccessStatusCode
                ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("service").GetString()
                : null));
        }

        // One request met the 503 (and got it, as the upstream's answer); every later one went to u2.
        Assert.Equal(1, statuses.Count(s => s.Status == HttpStatusCode.ServiceUnavailable));
        Assert.All(statuses.Where(s => s.Status == HttpStatusCode.OK), s => Assert.Equal("u2", s.Service));
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_destination_hold_backs_total", ("destination", "u1")));
        Assert.Equal(0, metrics.Sum("gateway_destination_ejections_total"));
        Assert.Equal(0, metrics.Value("gateway_destination_ejected", ("destination", "u1")));
    }

    [Fact]
    public async Task ResetAfterTheRequestWasSent_RetriesOnlyIdempotentRequestsWithoutABody()
    {
        await StartUpstreamsAsync(1);
        using var resetter = new ResettingListener();
        using var config = new GatewayConfigFile()
            .AddCluster("test", GatewayPolicies.LeastOutstanding, [resetter.Address, _upstreams[0].BaseAddress])
            .Set("Gateway:Retry:IdempotentMethods", new JsonArray("GET", "POST"))
            .Set("Gateway:Health:ConsecutiveFailures", 1000)
            .Set("Gateway:Health:FailureRatioMinRequests", 1000)

            // A failed destination ranks last for this long; short, so both kinds of request keep meeting the resetter.
            .Set("Gateway:Health:ReactivationPeriod", "00:00:00.001");
        await using var gateway = await InProcessGateway.StartAsync(config.Write());

        var gets = new List<HttpStatusCode>();
        var posts = new List<(HttpStatusCode Status, string? Failure)>();
        for (var i = 0; i < 30; i++)
        {
            using var get = await _client.GetAsync(new Uri(gateway.BaseAddress, $"/get/{i}?ms=1"));
            gets.Add(get.StatusCode);
            using var post = await _client.PostAsync(new Uri(gateway.BaseAddress, $"/post/{i}?ms=1"), new StringContent("{\"a\":1}"));
            posts.Add((post.StatusCode, post.IsSuccessStatusCode ? null : JsonDocument.Parse(await post.Content.ReadAsStringAsync()).RootElement.GetProperty("failure").GetString()));
        }

        Assert.All(gets, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Contains(posts, p => p.Status == HttpStatusCode.BadGateway);
        Assert.All(posts.Where(p => p.Status != HttpStatusCode.OK), p => Assert.Equal((HttpStatusCode.BadGateway, "connection_reset"), p));
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.True(metrics.Sum("gateway_upstream_retries_total", ("destination", "u1"), ("kind", "connection_reset")) >= 1);
        Assert.True(resetter.Accepted > 0);
    }

    private async Task StartUpstreamsAsync(int count, params string[] args)
    {
        var started = await Task.WhenAll(Enumerable.Range(1, count).Select(i => ServerProcess.StartDemoUpstreamAsync(
            [$"--DemoUpstream:ServiceName=u{i}", "--Logging:LogLevel:Default=Warning", .. args])));
        _upstreams.AddRange(started);
    }

    private GatewayConfigFile Config(string policy) =>
        new GatewayConfigFile().AddCluster("test", policy, _upstreams.Select(u => u.BaseAddress));

    private static ClusterGate Gate(InProcessServer gateway) =>
        ((ClusterGateRegistry)gateway.Services.GetService(typeof(ClusterGateRegistry))!).Get("test");

    private async Task GetOkAsync(InProcessServer gateway, string path)
    {
        using var response = await _client.GetAsync(new Uri(gateway.BaseAddress, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> ServiceOfAsync(InProcessServer gateway, string path)
    {
        using var response = await _client.GetAsync(new Uri(gateway.BaseAddress, path));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("service").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string? Failure, string? Destination, TimeSpan Elapsed)> TimedGetAsync(InProcessServer gateway, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await _client.GetAsync(new Uri(gateway.BaseAddress, path));
        var body = await response.Content.ReadAsStringAsync();
        var problem = response.IsSuccessStatusCode ? (JsonElement?)null : JsonDocument.Parse(body).RootElement;
        return (response.StatusCode, problem?.GetProperty("failure").GetString(), problem?.GetProperty("destination").GetString(), clock.Elapsed);
    }

    private static double ServerTiming(HttpResponseMessage response, string name)
    {
        foreach (var entry in string.Join(',', response.Headers.GetValues("Server-Timing")).Split(','))
        {
            var parts = entry.Trim().Split(";dur=");
            if (parts.Length == 2 && parts[0] == name)
            {
                return double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"no Server-Timing {name}");
    }

    private async Task<double> UnhealthyAsync(InProcessServer gateway, string destination) =>
        (await Exposition.ScrapeAsync(_client, gateway.BaseAddress)).Value("gateway_destination_unhealthy", ("destination", destination));

    /// <summary>Accepts connections, reads the request, and resets the connection without answering.</summary>
    private sealed class ResettingListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;

        public ResettingListener()
        {
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _ = AcceptAsync();
        }

        public Uri Address { get; }

        public int Accepted => Volatile.Read(ref _accepted);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _accepted);
                    var buffer = new byte[4096];
                    _ = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
