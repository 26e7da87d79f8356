namespace Gateway.LoadGen;

/// <summary>Turns a run's counters into a <see cref="LoadProgress"/> every second.</summary>
internal sealed class ProgressReporter(RunClock clock, RunCounters counters)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private TimeSpan _lastElapsed;
    private long _lastSent;

    public async Task RunAsync(Action<LoadProgress> progress, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                progress(Snapshot());
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public LoadProgress Snapshot()
    {
        var elapsed = clock.Elapsed;
        var sent = counters.Sent;
        var completed = counters.Completed;
        var seconds = (elapsed - _lastElapsed).TotalSeconds;
        var rate = seconds > 0 ? (sent - _lastSent) / seconds : 0;
        (_lastElapsed, _lastSent) = (elapsed, sent);
        return new LoadProgress(elapsed, sent, completed, sent - completed, rate, counters.Errors, counters.P99Ms);
    }
}
