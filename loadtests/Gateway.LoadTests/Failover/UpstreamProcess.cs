using System.Globalization;
using Gateway.Testing;

namespace Gateway.LoadTests.Failover;

/// <summary>
/// A DemoUpstream on a fixed loopback port, so that after a kill or a clean stop it can be started again where the
/// proxies expect it. The process and its signals are the integration tests' <see cref="ServerProcess"/>; disposing
/// continues a stopped process and kills it by PID.
/// </summary>
internal sealed class UpstreamProcess : IAsyncDisposable
{
    private readonly int _port;
    private readonly string[] _args;
    private ServerProcess? _server;

    private UpstreamProcess(string serviceName, int port, string[] args)
    {
        ServiceName = serviceName;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _port = port;
        _args = args;
    }

    /// <summary>The name it puts in every response body (<c>upstream-1</c> …).</summary>
    public string ServiceName { get; }

    public Uri BaseAddress { get; }

    private ServerProcess Server => _server ?? throw new InvalidOperationException($"{ServiceName} is not running");

    /// <summary>Starts upstream <paramref name="number"/> (from 1) on a free loopback port.</summary>
    public static async Task<UpstreamProcess> StartAsync(int number, string serviceSpec, int seed)
    {
        var name = $"upstream-{number}";
        var upstream = new UpstreamProcess(name, LoopbackPort.Free(), [
            $"--DemoUpstream:ServiceName={name}",
            string.Create(CultureInfo.InvariantCulture, $"--DemoUpstream:Slots={FailoverOptions.Slots}"),
            $"--DemoUpstream:ServiceTime={serviceSpec}",
            string.Create(CultureInfo.InvariantCulture, $"--DemoUpstream:Seed={seed + number}"),
            "--Logging:LogLevel:Default=Warning",
        ]);
        await upstream.StartAgainAsync();
        return upstream;
    }

    /// <summary>Starts the process (again, after a kill or a clean stop) on the same port; returns once it listens.</summary>
    public async Task StartAgainAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }

        _server = await ServerProcess.StartDemoUpstreamOnPortAsync(_port, _args);
    }

    /// <summary>SIGKILL: the process dies at once; the kernel resets its connections and refuses new ones.</summary>
    public Task KillAsync() => Server.KillAsync();

    /// <summary>SIGSTOP: the process freezes; the kernel still accepts connections, nothing answers them.</summary>
    public void Stop() => Server.Pause();

    /// <summary>SIGCONT after <see cref="Stop"/>.</summary>
    public void Continue() => Server.Resume();

    /// <summary>SIGTERM, then waits for the clean shutdown (ASP.NET Core stops accepting and finishes what it has).</summary>
    public Task<int> TerminateAsync(TimeSpan timeout) => Server.TerminateAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
