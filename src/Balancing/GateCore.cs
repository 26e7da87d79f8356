namespace Gateway.Balancing;

/// <summary>
/// The balancing decision for one cluster at one balancer: which destination takes a request, counting it there,
/// whether the request waits, and which waiter a freed slot goes to. The gateway's <c>ClusterGate</c> and the
/// queueing simulator both drive this class, so a simulated result describes the shipped decision.
/// </summary>
/// <remarks>
/// It is synchronous and single-threaded: the owner serialises calls (the gateway under a lock, the simulator by
/// construction) and passes the time in as a timestamp of <c>timestampFrequency</c> ticks per second. It holds no
/// timers and completes nothing; <see cref="Dispatch"/> hands grants back, and <see cref="NextWake"/> says when a
/// waiter might be served without a release, so the owner can look again then.
/// </remarks>
/// <typeparam name="TWaiter">Whatever the owner needs to resume a waiting request.</typeparam>
internal sealed class GateCore<TWaiter>
{
    /// <summary>Returned by <see cref="AcquireOrEnqueue"/>: the request waits in the queue.</summary>
    public const int Queued = -1;

    /// <summary>Returned by <see cref="AcquireOrEnqueue"/>: the queue is full.</summary>
    public const int QueueFull = -2;

    /// <summary>Where the half-open ramp of a destination without a limit ends.</summary>
    private const int UnlimitedRecoveryCap = 64;

    private const double DefaultReportLagSeconds = 0.002;
    private const double MaxReportLagSeconds = 0.005;

    // Below any share of a limit (0 to 1): unlimited destinations rank by their count of requests in flight.
    private const double Unlimited = -1e9;
    private const double Failing = 1e12;

    /// <summary>Small enough that a million other callers' requests weigh less than one of ours.</summary>
    private const double OthersWeight = 1e-6;

    private readonly Dictionary<string, DestinationLoad> _byId = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<DestinationLoad> _loads = [];
    private readonly LinkedList<QueuedWaiter> _queue = new();
    private readonly Random _random;
    private readonly double _frequency;

    public GateCore(GateSettings settings, Random random, long timestampFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timestampFrequency, 1);
        Settings = settings;
        _random = random;
        _frequency = timestampFrequency;
    }

    /// <summary>The settings in force; the owner replaces them when its configuration changes.</summary>
    public GateSettings Settings { get; set; }

    public int QueueLength => _queue.Count;

    /// <summary>Every destination seen so far, in the order first seen.</summary>
    public IReadOnlyList<DestinationLoad> Loads => _loads;

    /// <summary>The destination's figures, created on first use.</summary>
    public DestinationLoad Load(string destinationId)
    {
        if (!_byId.TryGetValue(destinationId, out var load))
        {
            load = new DestinationLoad(destinationId);
            _byId.Add(destinationId, load);
            _loads.Add(load);
        }

        return load;
    }

    /// <summary>
    /// Picks a destination among <paramref name="candidates"/> and counts the request there; never waits. Returns its
    /// index in <paramref name="candidates"/>, or -1 when none has room (with <paramref name="enforceLimits"/> off,
    /// only when there are no candidates: least-outstanding never waits).
    /// </summary>
    public int TryAcquire(IReadOnlyList<DestinationLoad> candidates, bool enforceLimits, long now)
    {
        var index = Pick(candidates, enforceLimits, now);
        if (index >= 0)
        {
            candidates[index].InFlight++;
        }

        return index;
    }

    /// <summary>Ranks like <see cref="TryAcquire"/> without counting.</summary>
    public int Peek(IReadOnlyList<DestinationLoad> candidates, bool enforceLimits, long now) => Pick(candidates, enforceLimits, now);

    /// <summary>
    /// Takes a slot within the limits at once when nobody is waiting (strict FIFO: while anyone waits, newcomers queue
    /// behind), else queues <paramref name="waiter"/>. Returns the candidate index granted, <see cref="Queued"/> with
    /// <paramref name="node"/> set (pass it to <see cref="Remove"/> if the request gives up), or <see cref="QueueFull"/>.
    /// </summary>
    public int AcquireOrEnqueue(TWaiter waiter, IReadOnlyList<DestinationLoad> candidates, long now, out LinkedListNode<QueuedWaiter>? node)
    {
        node = null;
        var index = TryAcquireAhead(candidates, now);
        return index >= 0 ? index : Enqueue(waiter, candidates, out node);
    }

    /// <summary>
    /// <see cref="AcquireOrEnqueue"/>'s first half, for a caller that makes its waiter only when it must wait: the
    /// candidate index granted, or -1 when someone is already waiting or no slot is free.
    /// </summary>
    public int TryAcquireAhead(IReadOnlyList<DestinationLoad> candidates, long now) =>
        _queue.Count == 0 ? TryAcquire(candidates, enforceLimits: true, now) : -1;

    /// <summary>
    /// <see cref="AcquireOrEnqueue"/>'s second half: queues <paramref name="waiter"/> at the back, or returns
    /// <see cref="QueueFull"/>.
    /// </summary>
    public int Enqueue(TWaiter waiter, IReadOnlyList<DestinationLoad> candidates, out LinkedListNode<QueuedWaiter>? node)
    {
        node = null;
        if (_queue.Count >= Settings.MaxQueueLength)
        {
            return QueueFull;
        }

        node = _queue.AddLast(new QueuedWaiter(waiter, candidates));
        return Queued;
    }

    /// <summary>Takes a waiter that gave up out of the queue. False if it had already been granted a slot.</summary>
    public bool Remove(LinkedListNode<QueuedWaiter> node)
    {
        if (node.List is null)
        {
            return false;
        }

        _queue.Remove(node);
        return true;
    }

    /// <summary>
    /// Counts a request that a shared gate (fleet mode) placed at <paramref name="load"/>, so this balancer's figures,
    /// health ramps and fallback stay true to what it has in flight.
    /// </summary>
    public void Take(DestinationLoad load) => load.InFlight++;

    /// <summary>One of this balancer's requests at <paramref name="load"/> has finished.</summary>
    public void Release(DestinationLoad load, long now)
    {
        load.InFlight--;
        load.RecordRelease(now);
    }

    /// <summary>
    /// Takes in an upstream's load report, received while the request is still counted. The upstream counted this
    /// request, and so does <see cref="DestinationLoad.InFlight"/>; the difference is other callers' work.
    /// </summary>
    public void ReportLoad(
        DestinationLoad load, int? reportedInFlight, int? reportedLimit, double? upstreamOverheadSeconds, long now)
    {
        load.ReportsMissing = reportedInFlight is null && reportedLimit is null;
        if (reportedLimit is > 0)
        {
            load.ReportedLimit = reportedLimit;
        }

        if (reportedInFlight is >= 0)
        {
            // Both counts include this request. The upstream took its count a moment ago; our own requests that
            // finished since were in its count but are no longer in ours, and without this correction each would
            // look like another caller's work. That moment is no further back than this response's round trip minus
            // the upstream's own time.
            var lag = Math.Min(upstreamOverheadSeconds ?? DefaultReportLagSeconds, MaxReportLagSeconds);
            var ownAtReport = load.InFlight + load.ReleasesSince(now - Ticks(lag));
            load.OthersInFlight = Math.Max(0, reportedInFlight.Value - ownAtReport);
        }
    }

    /// <summary>
    /// Takes in how one request at <paramref name="load"/> ended, for passive health. <paramref name="holdBack"/> is an
    /// upstream's 503 Retry-After, which is a load signal: it keeps new work away for that long but is neither a
    /// success nor a failure.
    /// </summary>
    public HealthEvent RecordOutcome(DestinationLoad load, bool failed, TimeSpan? holdBack, long now)
    {
        var health = Settings.Health;
        if (holdBack is { } hold && hold > TimeSpan.Zero)
        {
            load.HeldBackUntil = Math.Max(load.HeldBackUntil, now + Ticks(hold.TotalSeconds));
            return new HealthEvent(HealthEventKind.HeldBack, load.DestinationId, Duration: hold);
        }

        if (load.IsEjected(now))
        {
            // Requests sent before the ejection are still finishing; they say nothing new.
            return HealthEvent.None(load.DestinationId);
        }

        if (now - load.WindowStart > Ticks(health.FailureWindow.TotalSeconds))
        {
            (load.WindowStart, load.WindowRequests, load.WindowFailures) = (now, 0, 0);
        }

        load.WindowRequests++;
        if (!failed)
        {
            load.ConsecutiveFailures = 0;
            if (load.RecoveryCap is { } cap)
            {
                // Half-open ramp: each success doubles what the destination may have in flight, up to its limit.
                var full = load.LastLimit ?? UnlimitedRecoveryCap;
                if (cap * 2 >= full)
                {
                    load.RecoveryCap = null;
                    return new HealthEvent(HealthEventKind.Recovered, load.DestinationId);
                }

                load.RecoveryCap = cap * 2;
            }

            return HealthEvent.None(load.DestinationId);
        }

        load.ConsecutiveFailures++;
        load.WindowFailures++;
        load.SuspectUntil = now + Ticks(health.ReactivationPeriod.TotalSeconds);
        string? reason = null;
        if (load.RecoveryCap is not null)
        {
            reason = "half_open_failure";
        }
        else if (load.ConsecutiveFailures >= health.ConsecutiveFailures)
        {
            reason = "consecutive_failures";
        }
        else if (load.WindowRequests >= health.FailureRatioMinRequests && load.WindowFailures >= health.FailureRatio * load.WindowRequests)
        {
            reason = "failure_ratio";
        }

        if (reason is null || !MayEject(now))
        {
            return HealthEvent.None(load.DestinationId);
        }

        load.EjectedUntil = now + Ticks(health.ReactivationPeriod.TotalSeconds);
        load.RecoveryCap = 1;
        (load.ConsecutiveFailures, load.WindowStart, load.WindowRequests, load.WindowFailures) = (0, now, 0, 0);
        return new HealthEvent(HealthEventKind.Ejected, load.DestinationId, reason, health.ReactivationPeriod);
    }

    /// <summary>
    /// Takes in a passed active health probe: its reported limit, so a cold burst spreads at once instead of queueing
    /// behind one probing request per destination; and proof of life, which ends a passive ejection early. The
    /// destination then comes back half-open, as it would at the end of the reactivation period.
    /// </summary>
    public void ProbeSucceeded(DestinationLoad load, int? limit, long now)
    {
        if (limit is > 0)
        {
            load.ReportedLimit = limit;
            load.ReportsMissing = false;
        }

        if (load.IsEjected(now))
        {
            load.EjectedUntil = now;
            load.SuspectUntil = 0;
        }
    }

    /// <summary>
    /// Hands free slots to waiters in strict FIFO order: the oldest waiter takes the next free slot, and those behind it
    /// keep their place. Appends each grant to <paramref name="grants"/>; the waiter is out of the queue.
    /// </summary>
    public void Dispatch(long now, List<Grant> grants)
    {
        while (_queue.First is { } head && TryAcquire(head.Value.Candidates, enforceLimits: true, now) is var index and >= 0)
        {
            _queue.RemoveFirst();
            grants.Add(new Grant(head.Value.Waiter, head.Value.Candidates[index], index));
        }
    }

    /// <summary>
    /// When a waiter might be served without any release: the earliest moment an ejection or a hold-back ends. Null
    /// when nobody waits or nothing is pending.
    /// </summary>
    public long? NextWake(long now)
    {
        if (_queue.Count == 0)
        {
            return null;
        }

        long? earliest = null;
        foreach (var load in _loads)
        {
            foreach (var until in (ReadOnlySpan<long>)[load.EjectedUntil, load.HeldBackUntil])
            {
                if (until > now && (earliest is null || until < earliest))
                {
                    earliest = until;
                }
            }
        }

        return earliest;
    }

    /// <summary>
    /// Whether one more destination may be ejected: at most <c>MaxEjectedPercent</c> of them (but always one of two or
    /// more), and never the last one in rotation, so a cluster-wide fault degrades service instead of ending it.
    /// </summary>
    private bool MayEject(long now)
    {
        var total = _loads.Count;
        var ejected = 0;
        foreach (var load in _loads)
        {
            if (load.IsEjected(now))
            {
                ejected++;
            }
        }

        var allowed = Math.Min(total - 1, Math.Max(total >= 2 ? 1 : 0, total * Settings.Health.MaxEjectedPercent / 100));
        return ejected < allowed;
    }

    private long Ticks(double seconds) => (long)(seconds * _frequency);

    /// <summary>
    /// The destination to use, or -1 when none has room. Lowest rank wins, ties at random:
    /// <list type="bullet">
    /// <item>Ejected, held-back and half-open-full destinations are skipped. Without limits (<c>LeastOutstanding</c>),
    /// should that skip every candidate, they are ranked anyway: that policy never waits.</item>
    /// <item>A destination whose last request failed ranks below every other for the reactivation period, so one that
    /// fails fast never looks idle.</item>
    /// <item>With limits, the rank is the share of the limit in use, so equal upstreams share evenly and a cold one
    /// (limit 1 until it reports) ranks with idle ones instead of never being tried.</item>
    /// </list>
    /// </summary>
    private int Pick(IReadOnlyList<DestinationLoad> candidates, bool enforceLimits, long now)
    {
        var picked = Pick(candidates, enforceLimits, now, skipUnavailable: true);
        return picked < 0 && !enforceLimits && candidates.Count > 0
            ? Pick(candidates, enforceLimits, now, skipUnavailable: false)
            : picked;
    }

    private int Pick(IReadOnlyList<DestinationLoad> candidates, bool enforceLimits, long now, bool skipUnavailable)
    {
        var settings = Settings;
        var useOthers = settings.UseReportedInFlight;
        var best = -1;
        var bestRank = double.MaxValue;
        var ties = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var load = candidates[i];
            var limit = load.EffectiveLimit(settings);
            load.LastLimit = limit;
            if (skipUnavailable && !load.IsAvailable(now))
            {
                continue;
            }

            var others = useOthers && enforceLimits ? load.OthersInFlight : 0;

            // Own requests decide; other callers' reported work only breaks ties, weighted far below one request.
            var rank = load.InFlight + (others * OthersWeight);
            if (enforceLimits && limit is { } l)
            {
                if (load.InFlight >= l)
                {
                    continue;
                }

                rank /= l;
            }
            else if (enforceLimits)
            {
                rank += Unlimited;
            }

            if (load.ConsecutiveFailures > 0 && now < load.SuspectUntil)
            {
                rank += Failing;
            }

            if (rank < bestRank)
            {
                (best, bestRank, ties) = (i, rank, 1);
            }
            else if (rank == bestRank && _random.Next(++ties) == 0)
            {
                // Reservoir sampling: each tied destination is equally likely.
                best = i;
            }
        }

        return best;
    }

    /// <summary>A waiting request and the destinations it may go to.</summary>
    internal readonly record struct QueuedWaiter(TWaiter Waiter, IReadOnlyList<DestinationLoad> Candidates);

    /// <summary>A slot given to a waiter by <see cref="Dispatch"/>: the destination, and its index in the waiter's candidates.</summary>
    internal readonly record struct Grant(TWaiter Waiter, DestinationLoad Load, int CandidateIndex);
}
