using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gateway.LoadTests.Peers;

/// <summary>
/// A peer proxy (HAProxy, nginx) run in the foreground from a generated config file, on a loopback port.
/// Ready once the port accepts connections; disposing kills it by PID and deletes its files.
/// </summary>
internal sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _workDirectory;
    private readonly ConcurrentQueue<string> _output;

    private ExternalProcess(Process process, string workDirectory, ConcurrentQueue<string> output, Uri baseAddress)
    {
        _process = process;
        _workDirectory = workDirectory;
        _output = output;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The process's own temporary directory (its config, and any files it writes there); deleted on dispose.</summary>
    public string WorkDirectory => _workDirectory;

    /// <summary>
    /// Writes <paramref name="config"/> to a fresh directory and starts <paramref name="executable"/> with <paramref name="args"/>.
    /// "{dir}" in the config and the arguments becomes that directory; "{config}" in the arguments becomes the config file.
    /// </summary>
    public static async Task<ExternalProcess> StartAsync(string executable, string config, int port, params string[] args)
    {
        var directory = Directory.CreateTempSubdirectory("gateway-peer-").FullName;
        var configPath = Path.Combine(directory, "peer.conf");
        config = config.Replace("{dir}", directory, StringComparison.Ordinal);
        await File.WriteAllTextAsync(configPath, config);
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg.Replace("{config}", configPath, StringComparison.Ordinal).Replace("{dir}", directory, StringComparison.Ordinal));
        }

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var peer = new ExternalProcess(process, directory, output, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (true)
        {
            if (process.HasExited)
            {
                var exitCode = process.ExitCode;
                await peer.DisposeAsync();
                throw new InvalidOperationException($"{Path.GetFileName(executable)} exited with {exitCode} before listening:\n{string.Join('\n', output)}\nconfig:\n{config}");
            }

            if (await AcceptsAsync(port))
            {
                return peer;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                await peer.DisposeAsync();
                throw new TimeoutException($"{Path.GetFileName(executable)} did not listen on {port} within 10 s:\n{string.Join('\n', output)}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_workDirectory, recursive: true);
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null && output.Count < 200)
        {
            output.Enqueue(line);
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
