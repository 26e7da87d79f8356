using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace DemoUpstream.Tests.Work;

/// <summary>
/// A fake clock that also reports each timer created on it, so a test advances time only once the
/// request under test is actually waiting on it, rather than guessing.
/// </summary>
internal sealed class TimerWatchingTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits for the next timer with <paramref name="dueTime"/>, skipping timers others create.</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await _created.Reader.ReadAsync(deadline.Token) != dueTime)
        {
        }
    }
}
