namespace Gateway.LoadGen;

/// <summary>
/// One open-loop run. A dedicated thread walks the schedule and fires each arrival's requests at its time
/// without ever waiting for a response; responses complete on the thread pool.
/// </summary>
/// <remarks>
/// The scheduler sleeps with the OS's precise timed wait, not Task.Delay: .NET timers here ride a 4 ms
/// coarse clock (Task.Delay(2 ms) took 2–8 ms on this VM), while a timed wait on a kernel event overshoots by
/// about 0.1 ms. It sleeps whole milliseconds until less than one remains and then sends, slightly early,
/// rather than spin a core; <see cref="RequestSender"/> times such a request from its actual send.
/// </remarks>
internal sealed class OpenLoopRun
{
    // A timed wait overshoots by ~0.1 ms, so the scheduler asks for a little less than it needs.
    private const double WakeSlackMs = 0.15;
    private const int LongestWaitMs = 200;

    private readonly LoadPlan _plan;
    private readonly IReadOnlyList<LoadTarget> _targets;
    private readonly RequestUri[][] _urls;
    private readonly Random?[] _pickers;
    private readonly List<Task<RequestRecord>>[] _requests;
    private readonly List<double> _sendLagMs = [];
    private readonly RunClock _clock = new();
    private readonly RunCounters _counters = new();
    private readonly RequestSender _sender;
    private double _firstScheduledMs = double.NaN;
    private double _lastScheduledMs;
    private double _firstSentMs;
    private double _lastSentMs;

    public OpenLoopRun(HttpMessageInvoker invoker, LoadPlan plan, IReadOnlyList<LoadTarget> targets)
    {
        _plan = plan;
        _targets = targets;
        _urls = [.. targets.Select(t => t.Urls.Select(u => new RequestUri(u)).ToArray())];
        _pickers = [.. targets.Select((t, i) => t.Selection == UrlSelection.Random ? new Random(HashCode.Combine(plan.Seed, i)) : null)];
        _requests = [.. targets.Select(_ => new List<Task<RequestRecord>>())];
        _sender = new RequestSender(invoker, plan, _clock, _counters);
    }

    public async Task<LoadResult> RunAsync(Action<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cut.CancelAfter(_plan.MaxDuration - _clock.Elapsed);
        using var stopProgress = new CancellationTokenSource();
        var reporter = new ProgressReporter(_clock, _counters);
        var reporting = progress is null ? Task.CompletedTask : reporter.RunAsync(progress, stopProgress.Token);

        var scheduled = new TaskCompletionSource<LoadStopReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduler = new Thread(() =>
        {
            try
            {
                scheduled.SetResult(Schedule(cut.Token));
            }
            catch (Exception exception)
            {
                scheduled.SetException(exception);
            }
        })
        {
            IsBackground = true,
            Name = "LoadGen scheduler",
        };
        scheduler.Start();

        LoadStopReason stopReason;
        try
        {
            stopReason = await scheduled.Task.ConfigureAwait(false);
        }
        catch
        {
            // PathAndQuery threw: nothing more is sent, and what is in flight is abandoned.
            await cut.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_requests.SelectMany(r => r)).ConfigureAwait(false);
            throw;
        }

        var records = await Task.WhenAll(_requests.Select(r => Task.WhenAll(r))).ConfigureAwait(false);
        var elapsed = _clock.Elapsed;
        await stopProgress.CancelAsync().ConfigureAwait(false);
        await reporting.ConfigureAwait(false);
        progress?.Invoke(reporter.Snapshot());
        cancellationToken.ThrowIfCancellationRequested();

        var arrivals = _sendLagMs.Count;
        return new LoadResult([.. _targets.Select((t, i) => new TargetResult(t.Name, records[i]) { Elapsed = elapsed })], elapsed, arrivals)
        {
            StopReason = stopReason,
            ScheduledRatePerSecond = Rate(arrivals, _lastScheduledMs - _firstScheduledMs),
            AchievedRatePerSecond = Rate(arrivals, _lastSentMs - _firstSentMs),
            SendLag = LatencySummary.Of(_sendLagMs.Select(lag => Math.Max(0, lag))),
            CaptureHeaders = _plan.CaptureHeaders,
            Description = FormattableString.Invariant(
                $"open loop, {_plan.Arrivals.ToString().ToLowerInvariant()} arrivals, {_plan.Phases.Count} phase(s), seed {_plan.Seed}, stop: {stopReason}"),
        };
    }

    private LoadStopReason Schedule(CancellationToken cut)
    {
        var maxOffsetSeconds = _plan.MaxDuration.TotalSeconds;
        long index = 0;
        foreach (var offset in new ArrivalSchedule(_plan.Phases, _plan.Arrivals, _plan.Seed).OffsetsSeconds())
        {
            if (index >= _plan.MaxRequests)
            {
                return LoadStopReason.MaxRequests;
            }

            if (offset >= maxOffsetSeconds)
            {
                return LoadStopReason.MaxDuration;
            }

            var due = _clock.TimestampAt(offset);
            if (!WaitUntil(due, cut))
            {
                return LoadStopReason.MaxDuration;
            }

            var pathAndQuery = _plan.PathAndQuery?.Invoke(index);
            var sent = RunClock.Now;
            for (var t = 0; t < _urls.Length; t++)
            {
                var urls = _urls[t];
                var pick = _pickers[t] is { } picker ? picker.Next(urls.Length) : (int)(index % urls.Length);
                _requests[t].Add(_sender.SendAsync(index, urls[pick].For(pathAndQuery), due, sent, cut));
            }

            Track(_clock.OffsetMs(due), _clock.OffsetMs(sent));
            index++;
        }

        return LoadStopReason.Completed;
    }

    /// <summary>Sleeps until less than a millisecond is left before <paramref name="due"/>; false if the run was cut first.</summary>
    private static bool WaitUntil(long due, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            var sleepMs = (int)Math.Min(RunClock.Ms(RunClock.Now, due) - WakeSlackMs, LongestWaitMs);
            if (sleepMs < 1)
            {
                return true;
            }

            cut.WaitHandle.WaitOne(sleepMs);
        }

        return false;
    }

    private void Track(double scheduledMs, double sentMs)
    {
        if (double.IsNaN(_firstScheduledMs))
        {
            _firstScheduledMs = scheduledMs;
            _firstSentMs = sentMs;
        }

        _lastScheduledMs = scheduledMs;
        _lastSentMs = sentMs;
        _sendLagMs.Add(sentMs - scheduledMs);
    }

    private static double Rate(int arrivals, double spanMs) => arrivals > 1 && spanMs > 0 ? (arrivals - 1) / (spanMs / 1000) : double.NaN;
}
