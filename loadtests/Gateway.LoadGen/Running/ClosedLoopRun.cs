namespace Gateway.LoadGen;

/// <summary>
/// A closed loop for throughput ceilings: each of N workers sends its next request as soon as the previous
/// one finished. Latency is from the actual send: by construction a closed loop cannot see the queueing an
/// open loop would (coordinated omission), so use it for "how much can it do", not for latency.
/// </summary>
internal sealed class ClosedLoopRun
{
    private readonly LoadTarget _target;
    private readonly RequestUri[] _urls;
    private readonly int _connections;
    private readonly TimeSpan _duration;
    private readonly int _maxRequests;
    private readonly LoadPlan _shape;
    private readonly RunClock _clock = new();
    private readonly RequestSender _sender;
    private long _issued;

    public ClosedLoopRun(HttpMessageInvoker invoker, LoadTarget target, int connections, TimeSpan duration, int maxRequests, LoadPlan shape)
    {
        _target = target;
        _urls = [.. target.Urls.Select(u => new RequestUri(u))];
        _connections = connections;
        _duration = duration;
        _maxRequests = maxRequests;
        _shape = shape;
        _sender = new RequestSender(invoker, shape, _clock, new RunCounters());
    }

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        // In-flight requests at the end get their own RequestTimeout to finish; only the caller cuts them.
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stopSending.CancelAfter(_duration);
        var workers = Enumerable.Range(0, _connections).Select(_ => Task.Run(() => WorkAsync(stopSending.Token, cancellationToken), CancellationToken.None));
        var records = (await Task.WhenAll(workers).ConfigureAwait(false)).SelectMany(r => r).OrderBy(r => r.Index).ToArray();
        var elapsed = _clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();
        return new LoadResult([new TargetResult(_target.Name, records) { Elapsed = elapsed }], elapsed, records.Length)
        {
            StopReason = records.Length >= _maxRequests ? LoadStopReason.MaxRequests : LoadStopReason.Completed,
            ClosedLoop = true,
            CaptureHeaders = _shape.CaptureHeaders,
            Description = FormattableString.Invariant($"closed loop, {_connections} connection(s) for {_duration.TotalSeconds:0.###} s"),
        };
    }

    private async Task<List<RequestRecord>> WorkAsync(CancellationToken stopSending, CancellationToken cut)
    {
        var records = new List<RequestRecord>();
        while (!stopSending.IsCancellationRequested)
        {
            var index = Interlocked.Increment(ref _issued) - 1;
            if (index >= _maxRequests)
            {
                break;
            }

            var uri = _urls[index % _urls.Length].For(_shape.PathAndQuery?.Invoke(index));
            var now = RunClock.Now;
            records.Add(await _sender.SendAsync(index, uri, now, now, cut).ConfigureAwait(false));
        }

        return records;
    }
}
