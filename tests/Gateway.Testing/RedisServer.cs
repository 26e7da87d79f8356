using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Gateway.Testing;

/// <summary>
/// A real redis-server on a free loopback port, without persistence (<c>--save '' --appendonly no</c>). Stopping kills
/// it by PID, as a crash would; <see cref="RestartAsync"/> starts a fresh, empty one on the same port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string for <c>Gateway:Admission:Redis:Configuration</c>.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool Running => _process is { HasExited: false };

    public static Task<RedisServer> StartAsync() => StartOnAsync(LoopbackPort.Free());

    public static async Task<RedisServer> StartOnAsync(int port)
    {
        var server = new RedisServer(port);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts redis-server on <see cref="Port"/> (it must be stopped) and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        if (Running)
        {
            throw new InvalidOperationException($"redis-server on port {Port} is still running.");
        }

        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning" })
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed; test.sh installs it (Debian package redis-server).", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        await Eventually.TrueAsync(() => AcceptsAsync(process), $"redis-server accepts connections on port {Port}");
    }

    private async Task<bool> AcceptsAsync(Process process)
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"redis-server on port {Port} exited with {process.ExitCode} before accepting connections.");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Freezes (SIGSTOP) or thaws (SIGCONT) redis-server by its PID: connections stay open but nothing answers, as with
    /// a hung server or a network path that drops packets.
    /// </summary>
    public void Freeze(bool frozen)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");
        if (Kill(pid, frozen ? SigStop : SigCont) != 0)
        {
            throw new InvalidOperationException($"kill -{(frozen ? "STOP" : "CONT")} {pid} failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Kills redis-server by its PID and waits until it is gone; everything it held is lost.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
        }
        finally
        {
            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private const int SigStop = 19;
    private const int SigCont = 18;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
