using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Gateway.Tests.Integration;

namespace Gateway.LoadTests.Failover;

/// <summary>
/// A DemoUpstream process on a fixed loopback port, so it can be killed, stopped, continued and started again where
/// the proxies expect it. Signals go to its PID. Disposing continues it if stopped, then kills it and waits.
/// </summary>
internal sealed class UpstreamProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly string[] _args;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(1) };
    private Process? _process;
    private bool _stopped;

    private UpstreamProcess(string serviceName, int port, string[] args)
    {
        ServiceName = serviceName;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _args = args;
    }

    /// <summary>The name it puts in every response body (<c>upstream-1</c> …).</summary>
    public string ServiceName { get; }

    public Uri BaseAddress { get; }

    /// <summary>Starts upstream <paramref name="number"/> (from 1) on a free loopback port and waits until it answers.</summary>
    public static async Task<UpstreamProcess> StartAsync(int number, string serviceSpec, int seed, CancellationToken cancellationToken)
    {
        var port = LoopbackPort.Free();
        var name = $"upstream-{number}";
        var upstream = new UpstreamProcess(name, port, [
            RepoLayout.DemoUpstreamDll,
            "--urls", $"http://127.0.0.1:{port}",
            $"--DemoUpstream:ServiceName={name}",
            $"--DemoUpstream:Slots={FailoverOptions.Slots}",
            $"--DemoUpstream:ServiceTime={serviceSpec}",
            string.Create(CultureInfo.InvariantCulture, $"--DemoUpstream:Seed={seed + number}"),
            "--Logging:LogLevel:Default=Warning",
        ]);
        try
        {
            await upstream.StartAgainAsync(cancellationToken);
            return upstream;
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the process (again, after a kill or a clean stop) on the same port; returns once /healthz answers 200.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException($"{ServiceName} is still running");
        }

        _process?.Dispose();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoLayout.Root,
        };
        foreach (var arg in _args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _stopped = false;

        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{ServiceName} exited with {process.ExitCode} before answering:\n{string.Join('\n', _output)}");
            }

            if (await AnswersAsync(cancellationToken))
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{ServiceName} did not answer {BaseAddress}healthz within 30 s:\n{string.Join('\n', _output)}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>SIGKILL: the process dies at once; the kernel resets its connections and refuses new ones.</summary>
    public async Task KillAsync()
    {
        Signal(SigKill);
        await _process!.WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process freezes; the kernel still accepts connections, nothing answers them.</summary>
    public void Stop()
    {
        _stopped = true;
        Signal(SigStop);
    }

    /// <summary>SIGCONT after <see cref="Stop"/>.</summary>
    public void Continue()
    {
        Signal(SigCont);
        _stopped = false;
    }

    /// <summary>SIGTERM: ASP.NET Core stops accepting, finishes what it has, and exits.</summary>
    public void Terminate() => Signal(SigTerm);

    /// <summary>Waits for the process to exit after <see cref="Terminate"/>, killing it if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process!.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            await KillAsync();
            throw new TimeoutException($"{ServiceName} did not exit within {timeout.TotalSeconds:0} s of SIGTERM; killed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _probe.Dispose();
        if (_process is not { } process)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                // A stopped process is continued first, so nothing frozen is ever left behind, whatever happens next.
                if (_stopped)
                {
                    Signal(SigCont);
                }

                Signal(SigKill);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private void Signal(int signal)
    {
        var process = _process ?? throw new InvalidOperationException($"{ServiceName} was never started");
        if (!process.HasExited && Kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} ({ServiceName}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _probe.GetAsync(new Uri(BaseAddress, "/healthz"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private void Keep(string? line)
    {
        if (line is not null && _output.Count < 200)
        {
            _output.Enqueue(line);
        }
    }
}
