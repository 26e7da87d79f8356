using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.LoadTests.Peers;

/// <summary>
/// Closed-loop throughput ceilings with wrk (Debian's package). wrk is a C client on epoll: it needs far less CPU
/// per request than a .NET client, which leaves more of this 2-core machine to the proxies being compared.
/// </summary>
internal static partial class Wrk
{
    public const string Executable = "/usr/bin/wrk";

    public static async Task<WrkResult> RunAsync(Uri url, int connections, TimeSpan duration)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-t1", $"-c{connections}", $"-d{(int)Math.Ceiling(duration.TotalSeconds)}s", "--timeout", "10s", url.ToString() })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(duration + TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"wrk against {url} did not finish");
        }

        var output = await stdout + await stderr;
        return process.ExitCode == 0 ? Parse(output) : throw new InvalidOperationException($"wrk exited with {process.ExitCode}:\n{output}");
    }

    /// <summary>Reads wrk's summary: requests/s and any non-2xx or socket errors.</summary>
    public static WrkResult Parse(string output)
    {
        var rps = RequestsPerSecond().Match(output);
        if (!rps.Success)
        {
            throw new FormatException($"no Requests/sec in wrk's output:\n{output}");
        }

        var non2xx = Non2xx().Match(output);
        var socketErrors = SocketErrors().Match(output);
        return new WrkResult(
            double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            non2xx.Success ? int.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socketErrors.Success ? socketErrors.Groups.Values.Skip(1).Sum(g => int.Parse(g.Value, CultureInfo.InvariantCulture)) : 0);
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)")]
    private static partial Regex SocketErrors();
}
