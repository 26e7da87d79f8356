using System.ComponentModel;
using System.Diagnostics;

namespace Gateway.Tests.Integration.Prometheus;

/// <summary>Runs Debian's <c>promtool</c>, which ships in the prometheus package.</summary>
internal static class Promtool
{
    private const string Executable = "promtool";

    /// <summary>
    /// <c>promtool check metrics</c> on <paramref name="exposition"/> (fed on stdin): exit code 0 and no output
    /// means the text parses and passes promtool's lint; otherwise the output names each problem.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add("metrics");
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{Executable}' could not be started ({e.Message}): install Debian's prometheus package (./test.sh does).", e);
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.StandardInput.WriteAsync(exposition.AsMemory(), cancellationToken);
            process.StandardInput.Close();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            throw;
        }

        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
