namespace DemoUpstream.Slots;

/// <summary>
/// Worker slots with an unbounded local FIFO, like a pre-fork app server's accept queue.
/// This is where upstream-local queueing happens, and what the gateway tries to keep empty.
/// </summary>
internal sealed class SlotPool
{
    /// <summary>Arrivals seeing this many or more in flight share the last bucket.</summary>
    public const int ArrivalBuckets = 64;

    private readonly object _sync = new();
    private readonly LinkedList<TaskCompletionSource> _waiters = new();
    private readonly long[] _arrivalsByInFlight = new long[ArrivalBuckets];
    private int _busy;
    private int _maxInFlight;

    public SlotPool(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Slots = slots;
    }

    public int Slots { get; }

    public int Busy => Volatile.Read(ref _busy);

    public int QueueLength
    {
        get
        {
            lock (_sync)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Busy slots plus queued requests: what the upstream reports as in flight.</summary>
    public int InFlight
    {
        get
        {
            lock (_sync)
            {
                return _busy + _waiters.Count;
            }
        }
    }

    /// <summary>The most requests ever in flight at once since the last <see cref="ResetMaxInFlight"/>.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>
    /// How many arrivals found each in-flight count (counting themselves) since the last reset: index n holds
    /// arrivals that made n requests in flight. Arrivals past <see cref="Slots"/> waited in the local queue.
    /// </summary>
    public long[] ArrivalsByInFlight()
    {
        lock (_sync)
        {
            return (long[])_arrivalsByInFlight.Clone();
        }
    }

    public void ResetMaxInFlight()
    {
        lock (_sync)
        {
            _maxInFlight = _busy + _waiters.Count;
            Array.Clear(_arrivalsByInFlight);
        }
    }

    public Task AcquireAsync(CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_sync)
        {
            if (_busy < Slots && _waiters.Count == 0)
            {
                _busy++;
                RecordArrivalLocked(_busy);
                return Task.CompletedTask;
            }

            node = _waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            RecordArrivalLocked(_busy + _waiters.Count);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => Abandon(node, cancellationToken));
            node.Value.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }

        return node.Value.Task;
    }

    public void Release()
    {
        TaskCompletionSource? next = null;
        lock (_sync)
        {
            if (_waiters.First is { } first)
            {
                // The slot passes straight to the oldest waiter; _busy does not change.
                _waiters.RemoveFirst();
                next = first.Value;
            }
            else
            {
                _busy--;
            }
        }

        next?.TrySetResult();
    }

    private void RecordArrivalLocked(int inFlight)
    {
        _maxInFlight = Math.Max(_maxInFlight, inFlight);
        _arrivalsByInFlight[Math.Min(inFlight, ArrivalBuckets - 1)]++;
    }

    private void Abandon(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (node.List is null)
            {
                // Already handed a slot; the caller's finally releases it.
                return;
            }

            _waiters.Remove(node);
        }

        node.Value.TrySetCanceled(cancellationToken);
    }
}
