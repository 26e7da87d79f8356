using System.Globalization;

namespace Gateway.LoadTests.Fleet;

/// <summary>
/// Waits for this machine's CPUs to go quiet. Some sixty .NET processes starting, and then re-compiling their hot paths
/// once traffic reaches them (tiered JIT), keep both cores saturated for tens of seconds; a level started in that
/// storm begins with a backlog it spends the rest of the level draining, which measures the start-up, not the balancer.
/// </summary>
internal static class CpuSettle
{
    /// <summary>The idle share of a second that counts as quiet.</summary>
    public const double QuietIdleShare = 0.85;

    /// <summary>
    /// Samples <c>/proc/stat</c> each second until two seconds in a row are at least <see cref="QuietIdleShare"/> idle or
    /// <paramref name="timeout"/> passes. Returns the time waited and the last second's idle share (NaN without /proc).
    /// </summary>
    public static async Task<(TimeSpan Waited, double IdleShare)> WaitAsync(TimeSpan timeout, TimeProvider time)
    {
        var started = time.GetTimestamp();
        if (Read() is not { } previous)
        {
            return (TimeSpan.Zero, double.NaN);
        }

        var quietSeconds = 0;
        var idle = double.NaN;
        while (quietSeconds < 2 && time.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time);
            var now = Read()!.Value;
            idle = IdleShare(previous, now);
            previous = now;
            quietSeconds = idle >= QuietIdleShare ? quietSeconds + 1 : 0;
        }

        return (time.GetElapsedTime(started), idle);
    }

    /// <summary>
    /// The first line of <c>/proc/stat</c> (<c>cpu  user nice system idle iowait irq softirq steal guest guest_nice</c>,
    /// in ticks since boot): idle ticks (idle and iowait) and all ticks (guest time is already inside user).
    /// </summary>
    public static (long Idle, long Total) ParseCpuLine(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6 || fields[0] != "cpu")
        {
            throw new FormatException($"not the cpu line of /proc/stat: '{line}'");
        }

        var ticks = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (ticks[3] + ticks[4], ticks.Sum());
    }

    /// <summary>The idle share between two readings; NaN when no tick passed.</summary>
    public static double IdleShare((long Idle, long Total) before, (long Idle, long Total) after) =>
        after.Total > before.Total ? (double)(after.Idle - before.Idle) / (after.Total - before.Total) : double.NaN;

    /// <summary>The machine's idle and total CPU ticks now; null without /proc.</summary>
    public static (long Idle, long Total)? Read() =>
        File.Exists("/proc/stat") ? ParseCpuLine(File.ReadLines("/proc/stat").First()) : null;
}
