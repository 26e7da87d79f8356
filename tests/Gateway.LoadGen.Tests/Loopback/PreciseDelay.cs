using System.Diagnostics;

namespace Gateway.LoadGen.Tests.Loopback;

/// <summary>Waits until an exact time after a start timestamp, to a few microseconds.</summary>
internal static class PreciseDelay
{
    /// <summary>
    /// .NET timers (so Task.Delay) tick on a coarse clock, every 4 ms on this VM: a 20 ms Task.Delay takes
    /// anywhere from 20 to 24 ms, too rough to check a generator to 1 ms. So: Task.Delay for all but the last
    /// 6 ms, then Thread.Sleep(1) steps (a kernel sleep, good to ~0.1 ms) until about 1 ms is left, then
    /// spin on Thread.Yield to the exact time. The spin is at most ~1 ms a request, cheap at a test's rates.
    /// </summary>
    public static async Task UntilAsync(long startTimestamp, TimeSpan total)
    {
        var remaining = total - Stopwatch.GetElapsedTime(startTimestamp);
        if (remaining > TimeSpan.FromMilliseconds(6))
        {
            await Task.Delay(remaining - TimeSpan.FromMilliseconds(6));
        }

        while (total - Stopwatch.GetElapsedTime(startTimestamp) > TimeSpan.FromMilliseconds(1.2))
        {
            Thread.Sleep(1);
        }

        while (Stopwatch.GetElapsedTime(startTimestamp) < total)
        {
            Thread.Yield();
        }
    }
}
