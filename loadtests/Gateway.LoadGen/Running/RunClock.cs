using System.Diagnostics;

namespace Gateway.LoadGen;

/// <summary>
/// The run's time base: raw Stopwatch timestamps, read in one place. The scheduler needs the OS's precise
/// sleep (see <see cref="OpenLoopRun"/>), so this clock is real time by design rather than a TimeProvider.
/// </summary>
internal sealed class RunClock
{
    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;

    public RunClock() => Start = Stopwatch.GetTimestamp();

    public long Start { get; }

    public static long Now => Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Start);

    public long TimestampAt(double offsetSeconds) => Start + (long)(offsetSeconds * Stopwatch.Frequency);

    public double OffsetMs(long timestamp) => (timestamp - Start) / TicksPerMs;

    public static double Ms(long from, long to) => (to - from) / TicksPerMs;
}
