using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Gateway.Testing;

/// <summary>
/// A real app process on a loopback port chosen by the OS. The port is read from Kestrel's
/// "Now listening on:" line. Disposing kills the process (by PID) and waits for it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ServerProcess(Process process, Uri baseAddress, ConcurrentQueue<string> output)
    {
        _process = process;
        BaseAddress = baseAddress;
        _output = output;
    }

    public Uri BaseAddress { get; }

    public string Output => string.Join('\n', _output);

    /// <summary>The process id, e.g. to read its memory from <c>/proc</c>.</summary>
    public int Id => _process.Id;

    public static Task<ServerProcess> StartDemoUpstreamAsync(params string[] args) => StartAsync(RepoLayout.DemoUpstreamDll, args);

    public static Task<ServerProcess> StartGatewayAsync(params string[] args) => StartAsync(RepoLayout.GatewayDll, args);

    /// <summary>A DemoUpstream on a given port, e.g. to restart one where a gateway expects it.</summary>
    public static Task<ServerProcess> StartDemoUpstreamOnPortAsync(int port, params string[] args) =>
        StartAsync(RepoLayout.DemoUpstreamDll, args, port: port);

    public static async Task<ServerProcess> StartAsync(
        string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, int port = 0)
    {
        var output = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Create(dll, args.Concat(["--urls", $"http://127.0.0.1:{port}"]));
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            process.StartInfo.Environment[name] = value;
        }

        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            const string Marker = "Now listening on: ";
            var at = e.Data.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(e.Data[(at + Marker.Length)..].Trim()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(
            new InvalidOperationException($"{Path.GetFileName(dll)} exited before listening:\n{string.Join('\n', output)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return new ServerProcess(process, address, output);
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    /// <summary>Runs an app that is expected to stop on its own (e.g. on bad configuration).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string dll, IEnumerable<string> args, TimeSpan timeout)
    {
        using var process = Create(dll, args.Concat(["--urls", "http://127.0.0.1:0"]));
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Stop(process);
            throw new TimeoutException($"{Path.GetFileName(dll)} did not exit within {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Sends SIGTERM, as an orchestrator does on shutdown, and waits for the process to exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}.");
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>SIGSTOP: the process keeps its port (the kernel still accepts connections) but answers nothing.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal(SigCont);

    /// <summary>SIGKILL, as a crash or the OOM killer ends a process, and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            Signal(SigKill);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // A paused process must run again to die of anything but SIGKILL; resuming first keeps Kill's tree walk simple.
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigCont);
        }

        Stop(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    private void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static Process Create(string dll, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoLayout.Root,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return new Process { StartInfo = info, EnableRaisingEvents = true };
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
