using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;

namespace Gateway.Tests.Integration;

/// <summary>
/// <c>/healthz</c> through ASP.NET Core health checks: the top-level status keeps its shape (ok / starting / degraded),
/// and <c>checks</c> reports each dependency. Real DemoUpstream, and a listener that accepts probes and never answers.
/// </summary>
public sealed class HealthEndpointTests : IAsyncLifetime
{
    private readonly HttpClient _client = new();
    private readonly TcpListener _silent = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];
    private ServerProcess? _upstream;

    public async Task InitializeAsync()
    {
        _upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:Slots=3", "--Logging:LogLevel:Microsoft.AspNetCore=Warning");
        _silent.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var socket = await _silent.AcceptSocketAsync();
                    lock (_held)
                    {
                        _held.Add(socket);
                    }
                }
            }
            catch (SocketException)
            {
                // Stopped.
            }
            catch (ObjectDisposedException)
            {
                // Stopped.
            }
        });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _silent.Stop();
        lock (_held)
        {
            _held.ForEach(s => s.Dispose());
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task UntilTheFirstProbesAnswer_503Starting_ThenOkWithEachDependencysCheck()
    {
        // One destination answers probes at once; the other accepts the connection and never answers, so the first
        // round of probes lasts the probe timeout (3 s), and /healthz is "starting" for that long.
        var silent = new Uri($"http://127.0.0.1:{((IPEndPoint)_silent.LocalEndpoint).Port}/");
        using var config = new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, [_upstream!.BaseAddress, silent]);
        config.Set("ReverseProxy:Clusters:test:HealthCheck:Active", new JsonObject
        {
            ["Enabled"] = true,
            ["Interval"] = "00:00:30",
            ["Timeout"] = "00:00:03",
            ["Policy"] = LoadReportHealthPolicy.PolicyName,
            ["Path"] = "/healthz",
        });
        await using var gateway = await InProcessGateway.StartAsync(config.Write());

        var (code, body) = await HealthAsync(gateway.BaseAddress);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.Equal("starting", body.GetProperty("status").GetString());
        Assert.Equal("initial_health_probes", body.GetProperty("reason").GetString());
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("destinations").GetProperty("status").GetString());

        (code, body) = await Eventually.ValueAsync(
            () => HealthAsync(gateway.BaseAddress),
            health => health.Code == HttpStatusCode.OK,
            "/healthz answers 200 once the first round of probes is over",
            describe: health => $"{(int)health.Code} {health.Body}");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("reason", out _));
        var checks = body.GetProperty("checks");
        var destinations = checks.GetProperty("destinations");
        Assert.Equal("Healthy", destinations.GetProperty("status").GetString());
        // The silent destination failed its probe; one failure is below the threshold of 2, so both still count.
        Assert.Equal("2/2", destinations.GetProperty("data").GetProperty("test").GetString());
        Assert.Equal("Healthy", checks.GetProperty("fleet").GetProperty("status").GetString());
        Assert.Equal("fleet mode off", checks.GetProperty("fleet").GetProperty("description").GetString());
        Assert.Equal("shared tenant buckets off", checks.GetProperty("admission_redis").GetProperty("description").GetString());
    }

    private async Task<(HttpStatusCode Code, JsonElement Body)> HealthAsync(Uri gateway)
    {
        using var response = await _client.GetAsync(new Uri(gateway, "/healthz"));
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
