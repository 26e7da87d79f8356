namespace Gateway.LoadGen;

/// <summary>Live counts of a run, updated from every request's completion, read by the progress reporter.</summary>
internal sealed class RunCounters
{
    private readonly LatencyHistogram _latency = new();
    private long _sent;
    private long _completed;
    private long _errors;

    public long Sent => Volatile.Read(ref _sent);

    public long Completed => Volatile.Read(ref _completed);

    public long Errors => Volatile.Read(ref _errors);

    public void OnSent() => Interlocked.Increment(ref _sent);

    public void OnCompleted(double latencyMs, bool error)
    {
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }
        else
        {
            _latency.Record(latencyMs);
        }

        Interlocked.Increment(ref _completed);
    }

    public double P99Ms => _latency.Percentile(99);
}
