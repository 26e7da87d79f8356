using System.Runtime.CompilerServices;
using Gateway.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// One cluster's view of its destinations' occupancy, and its gateway-side FIFO queue.
/// Picking a destination and counting the request happen under one lock, so a burst spreads
/// instead of piling onto whichever destination looked idle a moment ago.
/// </summary>
internal sealed class ClusterGate
{
    private const double RoundTripSmoothing = 0.2;

    /// <summary>Where the half-open ramp of a destination without a limit ends.</summary>
    private const int UnlimitedRecoveryCap = 64;

    private static readonly TimeSpan DefaultReportLag = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan MaxReportLag = TimeSpan.FromMilliseconds(5);

    private readonly object _sync = new();
    private readonly Dictionary<string, DestinationLoad> _loads = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<Waiter> _queue = new();
    private readonly TimeProvider _time;
    private readonly Func<GatewayOptions> _options;
    private readonly Random _random;
    private ClusterModel? _settingsModel;
    private GatewayOptions? _settingsOptions;
    private ClusterGateSettings _settings;
    private ITimer? _retryTimer;
    private int _queueLength;

    public ClusterGate(string clusterId, TimeProvider time, Func<GatewayOptions> options)
    {
        ClusterId = clusterId;
        _time = time;
        _options = options;
        var current = options();
        _random = current.LoadBalancing.Seed is { } seed ? new Random(seed) : new Random();
        _settings = ClusterGateSettings.From(null, current);
    }

    public string ClusterId { get; }

    public int QueueLength => Volatile.Read(ref _queueLength);

    /// <summary>
    /// Picks the destination with the fewest requests in flight from this gateway and counts the
    /// request against it, ignoring limits. Never waits; null only when there are no candidates.
    /// </summary>
    public DestinationLease? TryAcquireLeastOutstanding(ClusterModel? cluster, IReadOnlyList<DestinationState> candidates)
    {
        lock (_sync)
        {
            RefreshLocked(cluster);
            return TryAcquireLocked(candidates, enforceLimits: false, _time.GetTimestamp());
        }
    }

    /// <summary>
    /// Ranks like <see cref="TryAcquireLeastOutstanding"/> without counting: for a policy called outside the gate.
    /// </summary>
    public DestinationState? PeekLeastOutstanding(ClusterModel? cluster, IReadOnlyList<DestinationState> candidates)
    {
        lock (_sync)
        {
            RefreshLocked(cluster);
            return PickLocked(candidates, enforceLimits: false, _time.GetTimestamp())?.Destination;
        }
    }

    /// <summary>
    /// Takes a slot on the destination with the most free slots, or waits in FIFO order for one.
    /// Fails fast when the queue is full; gives up at the queue timeout or when the client aborts.
    /// </summary>
    public async ValueTask<GateResult> AcquireAsync(ClusterModel? cluster, IReadOnlyList<DestinationState> candidates, CancellationToken aborted)
    {
        var start = _time.GetTimestamp();
        Waiter waiter;
        ClusterGateSettings settings;
        lock (_sync)
        {
            settings = RefreshLocked(cluster);
            if (_queue.Count == 0 && TryAcquireLocked(candidates, enforceLimits: true, start) is { } lease)
            {
                return new GateResult(GateOutcome.Granted, lease, TimeSpan.Zero);
            }

            if (_queue.Count >= settings.MaxQueueLength)
            {
                return new GateResult(GateOutcome.QueueFull, null, TimeSpan.Zero);
            }

            waiter = new Waiter(this, candidates);
            waiter.Node = _queue.AddLast(waiter);
            _queueLength = _queue.Count;
            ScheduleRetryLocked(start);
        }

        DestinationLease? granted;
        using (var timeout = new CancellationTokenSource(settings.QueueTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token))
        using (linked.Token.UnsafeRegister(static state => ((Waiter)state!).Abandon(), waiter))
        {
            granted = await waiter.Completion.Task.ConfigureAwait(false);
        }

        var waited = _time.GetElapsedTime(start);
        if (granted is not null)
        {
            return new GateResult(GateOutcome.Granted, granted, waited);
        }

        return new GateResult(aborted.IsCancellationRequested ? GateOutcome.ClientAborted : GateOutcome.QueueTimeout, null, waited);
    }

    /// <summary>
    /// Takes in an upstream's load report, received while <paramref name="lease"/> is still held. The upstream
    /// counted this request, and so does <see cref="DestinationLoad.InFlight"/>; the difference is other callers' work.
    /// </summary>
    public void ReportLoad(
        DestinationLease lease, int? reportedInFlight, int? reportedLimit, TimeSpan? roundTrip = null, TimeSpan? upstreamOverhead = null)
    {
        List<(Waiter, DestinationLease)>? grants = null;
        lock (_sync)
        {
            var load = lease.Load;
            load.ReportsMissing = reportedInFlight is null && reportedLimit is null;
            if (reportedLimit is > 0)
            {
                load.ReportedLimit = reportedLimit;
            }

            if (roundTrip is { } rtt)
            {
                load.RoundTripEwmaSeconds = load.RoundTripEwmaSeconds == 0
                    ? rtt.TotalSeconds
                    : load.RoundTripEwmaSeconds + (RoundTripSmoothing * (rtt.TotalSeconds - load.RoundTripEwmaSeconds));
            }

            if (reportedInFlight is >= 0)
            {
                var now = _time.GetTimestamp();
                // Both counts include this request. The upstream took its count a moment ago; our own requests
                // that finished since were in its count but are no longer in ours, and without this correction
                // each would look like another caller's work and idle a slot. That moment is no further back
                // than this response's round trip minus the upstream's own time.
                var lag = Math.Min((upstreamOverhead ?? DefaultReportLag).TotalSeconds, MaxReportLag.TotalSeconds);
                var since = now - (long)(lag * _time.TimestampFrequency);
                var ownAtReport = load.InFlight + load.ReleasesSince(since);
                load.OthersInFlight = Math.Max(0, reportedInFlight.Value - ownAtReport);
                // Most of the work counted now has finished about one round trip later, so an estimate older
                // than that says more about the past than the present.
                var fresh = load.RoundTripEwmaSeconds > 0
                    ? Math.Min(_settings.LoadReportTtl.TotalSeconds, load.RoundTripEwmaSeconds)
                    : _settings.LoadReportTtl.TotalSeconds;
                load.OthersValidUntil = now + (long)(fresh * _time.TimestampFrequency);
            }

            DispatchLocked(ref grants);
        }

        Complete(grants);
    }

    /// <summary>A consistent copy of every destination's figures, for metrics.</summary>
    public IReadOnlyList<(string DestinationId, int InFlight, int? Limit, bool Ejected)> Snapshot()
    {
        lock (_sync)
        {
            var now = _time.GetTimestamp();
            return _loads.Values.Select(l => (l.DestinationId, l.InFlight, l.LastLimit, l.IsEjected(now))).ToArray();
        }
    }

    /// <summary>
    /// Takes in how one attempt at a destination ended, for passive health. <paramref name="failure"/> is the
    /// destination's failure, if any; <paramref name="holdBack"/> is an upstream's 503 Retry-After, which is a load
    /// signal: it keeps new work away for that long but is neither a success nor a failure.
    /// </summary>
    public HealthEvent RecordOutcome(DestinationLease lease, UpstreamFailureKind failure, TimeSpan? holdBack = null)
    {
        List<(Waiter, DestinationLease)>? grants = null;
        HealthEvent result;
        lock (_sync)
        {
            var now = _time.GetTimestamp();
            result = RecordOutcomeLocked(lease.Load, failure, holdBack, now);
            DispatchLocked(ref grants);
        }

        Complete(grants);
        return result;
    }

    /// <summary>
    /// Takes in a passed active health probe: its load report's concurrency limit, so a cold burst spreads at once
    /// instead of queueing behind one probing request per destination; and proof of life, which ends a passive
    /// ejection early. The destination then comes back half-open, as it would at the end of the reactivation period:
    /// a restarted upstream is back within one probe interval, not a whole period later.
    /// </summary>
    public void ProbeSucceeded(string destinationId, int? limit)
    {
        List<(Waiter, DestinationLease)>? grants = null;
        lock (_sync)
        {
            var now = _time.GetTimestamp();
            var load = LoadLocked(destinationId);
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

            DispatchLocked(ref grants);
        }

        Complete(grants);
    }

    private HealthEvent RecordOutcomeLocked(DestinationLoad load, UpstreamFailureKind failure, TimeSpan? holdBack, long now)
    {
        var health = _settings.Health;
        if (holdBack is { } hold && hold > TimeSpan.Zero)
        {
            load.HeldBackUntil = Math.Max(load.HeldBackUntil, now + (long)(hold.TotalSeconds * _time.TimestampFrequency));
            return new HealthEvent(HealthEventKind.HeldBack, load.DestinationId, Duration: hold);
        }

        if (load.IsEjected(now))
        {
            // Requests sent before the ejection are still finishing; they say nothing new.
            return HealthEvent.None(load.DestinationId);
        }

        if (now - load.WindowStart > health.FailureWindow.TotalSeconds * _time.TimestampFrequency)
        {
            (load.WindowStart, load.WindowRequests, load.WindowFailures) = (now, 0, 0);
        }

        load.WindowRequests++;
        if (failure == UpstreamFailureKind.None)
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
        load.SuspectUntil = now + (long)(health.ReactivationPeriod.TotalSeconds * _time.TimestampFrequency);
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

        if (reason is null || !MayEjectLocked(now))
        {
            return HealthEvent.None(load.DestinationId);
        }

        load.EjectedUntil = now + (long)(health.ReactivationPeriod.TotalSeconds * _time.TimestampFrequency);
        load.RecoveryCap = 1;
        (load.ConsecutiveFailures, load.WindowStart, load.WindowRequests, load.WindowFailures) = (0, now, 0, 0);
        return new HealthEvent(HealthEventKind.Ejected, load.DestinationId, reason, health.ReactivationPeriod);
    }

    /// <summary>
    /// Whether one more destination may be ejected: at most <c>MaxEjectedPercent</c> of them (but always one of two
    /// or more), and never the last one in rotation, so a cluster-wide fault degrades service instead of ending it.
    /// </summary>
    private bool MayEjectLocked(long now)
    {
        var total = _loads.Count;
        var ejected = 0;
        foreach (var load in _loads.Values)
        {
            if (load.IsEjected(now))
            {
                ejected++;
            }
        }

        var allowed = Math.Min(total - 1, Math.Max(total >= 2 ? 1 : 0, total * _settings.Health.MaxEjectedPercent / 100));
        return ejected < allowed;
    }

    private DestinationLoad LoadLocked(string destinationId)
    {
        if (!_loads.TryGetValue(destinationId, out var load))
        {
            load = new DestinationLoad(destinationId);
            _loads.Add(destinationId, load);
        }

        return load;
    }

    internal void Release(DestinationLease lease)
    {
        List<(Waiter, DestinationLease)>? grants = null;
        lock (_sync)
        {
            lease.Load.InFlight--;
            lease.Load.RecordRelease(_time.GetTimestamp());
            DispatchLocked(ref grants);
        }

        Complete(grants);
    }

    private static void Complete(List<(Waiter Waiter, DestinationLease Lease)>? grants)
    {
        if (grants is null)
        {
            return;
        }

        // Outside the lock: completions never run user code under it. A waiter continues inline on this thread;
        // should that nest deeply (forwards failing synchronously one after another), the rest go to the pool.
        foreach (var (waiter, lease) in grants)
        {
            if (RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                waiter.Completion.TrySetResult(lease);
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Waiter.Completion.TrySetResult(state.Lease), (Waiter: waiter, Lease: lease), preferLocal: false);
            }
        }
    }

    private void Abandon(Waiter waiter)
    {
        lock (_sync)
        {
            if (waiter.Node?.List is null)
            {
                // Already granted: the lease reaches the awaiting request, which releases it.
                return;
            }

            _queue.Remove(waiter.Node);
            _queueLength = _queue.Count;
        }

        waiter.Completion.TrySetResult(null);
    }

    private ClusterGateSettings RefreshLocked(ClusterModel? cluster)
    {
        var options = _options();
        if (!ReferenceEquals(cluster, _settingsModel) || !ReferenceEquals(options, _settingsOptions))
        {
            _settingsModel = cluster;
            _settingsOptions = options;
            _settings = ClusterGateSettings.From(cluster, options);
        }

        return _settings;
    }

    private void DispatchLocked(ref List<(Waiter, DestinationLease)>? grants)
    {
        if (_queue.Count == 0)
        {
            return;
        }

        var now = _time.GetTimestamp();

        // Strict FIFO: the oldest waiter takes the next free slot; those behind it keep their place.
        while (_queue.First is { } head && TryAcquireLocked(head.Value.Candidates, enforceLimits: true, now) is { } lease)
        {
            _queue.RemoveFirst();
            (grants ??= []).Add((head.Value, lease));
        }

        _queueLength = _queue.Count;
        ScheduleRetryLocked(now);
    }

    private void ScheduleRetryLocked(long now)
    {
        if (_queue.Count == 0)
        {
            return;
        }

        // Waiters held back only by other callers' reported work would otherwise wait for a release that may
        // never come from this gateway. Look again when the oldest such report stops being trusted.
        // Likewise for destinations coming back from an ejection or a hold-back.
        long? earliest = null;
        foreach (var load in _loads.Values)
        {
            if (load.OthersInFlight > 0 && load.OthersValidUntil > now && (earliest is null || load.OthersValidUntil < earliest))
            {
                earliest = load.OthersValidUntil;
            }

            foreach (var until in (ReadOnlySpan<long>)[load.EjectedUntil, load.HeldBackUntil])
            {
                if (until > now && (earliest is null || until < earliest))
                {
                    earliest = until;
                }
            }
        }

        if (earliest is null)
        {
            return;
        }

        var due = TimeSpan.FromSeconds((double)(earliest.Value - now) / _time.TimestampFrequency) + TimeSpan.FromMilliseconds(1);
        _retryTimer ??= _time.CreateTimer(static state => ((ClusterGate)state!).OnRetryTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _retryTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void OnRetryTimer()
    {
        List<(Waiter, DestinationLease)>? grants = null;
        lock (_sync)
        {
            DispatchLocked(ref grants);
        }

        Complete(grants);
    }

    private DestinationLease? TryAcquireLocked(IReadOnlyList<DestinationState> candidates, bool enforceLimits, long now)
    {
        if (PickLocked(candidates, enforceLimits, now) is not var (load, destination))
        {
            return null;
        }

        load.InFlight++;
        return new DestinationLease(this, load, destination);
    }

    /// <summary>
    /// The destination to use, or null when none has room. Lowest rank wins, ties at random:
    /// <list type="bullet">
    /// <item>Ejected, held-back and half-open-full destinations are skipped. Without limits (<c>LeastOutstanding</c>),
    /// should that skip every candidate, they are ranked anyway: that policy never waits.</item>
    /// <item>A destination whose last request failed ranks below every other for the reactivation period, so one that
    /// fails fast never looks idle.</item>
    /// <item>With limits, the rank is the share of the limit in use, so equal upstreams share evenly and a cold one
    /// (limit 1 until it reports) ranks with idle ones instead of never being tried.</item>
    /// </list>
    /// </summary>
    private (DestinationLoad Load, DestinationState Destination)? PickLocked(IReadOnlyList<DestinationState> candidates, bool enforceLimits, long now)
    {
        var picked = PickLocked(candidates, enforceLimits, now, skipUnavailable: true);
        return picked is null && !enforceLimits && candidates.Count > 0
            ? PickLocked(candidates, enforceLimits, now, skipUnavailable: false)
            : picked;
    }

    private (DestinationLoad Load, DestinationState Destination)? PickLocked(
        IReadOnlyList<DestinationState> candidates, bool enforceLimits, long now, bool skipUnavailable)
    {
        // Below any share of a limit (0 to 1): unlimited destinations rank by their count of requests in flight.
        const double Unlimited = -1e9;
        const double Failing = 1e12;

        DestinationLoad? best = null;
        DestinationState? bestDestination = null;
        var bestRank = double.MaxValue;
        var ties = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var destination = candidates[i];
            var load = LoadLocked(destination.DestinationId);
            var limit = load.EffectiveLimit(destination, _settings);
            load.LastLimit = limit;
            if (skipUnavailable && !load.IsAvailable(now))
            {
                continue;
            }

            double rank;
            if (!enforceLimits)
            {
                rank = load.InFlight;
            }
            else
            {
                var others = _settings.UseReportedInFlight ? load.OthersInFlight : 0;
                var occupied = load.InFlight + others;
                if (limit is { } l)
                {
                    if (occupied >= l)
                    {
                        // A destination we have nothing in flight at sends us no reports, so an estimate of other
                        // callers' work there only ages. Once it is stale, one probe request refreshes it;
                        // dropping it to zero instead would let a full limit's worth of requests burst in.
                        if (load.InFlight > 0 || others == 0 || now < load.OthersValidUntil)
                        {
                            continue;
                        }

                        occupied = l - 1;
                    }

                    rank = (double)occupied / l;
                }
                else
                {
                    rank = Unlimited + occupied;
                }
            }

            if (load.ConsecutiveFailures > 0 && now < load.SuspectUntil)
            {
                rank += Failing;
            }

            if (rank < bestRank)
            {
                (best, bestDestination, bestRank, ties) = (load, destination, rank, 1);
            }
            else if (rank == bestRank && _random.Next(++ties) == 0)
            {
                // Reservoir sampling: each tied destination is equally likely.
                (best, bestDestination) = (load, destination);
            }
        }

        return best is null || bestDestination is null ? null : (best, bestDestination);
    }

    private sealed class Waiter(ClusterGate gate, IReadOnlyList<DestinationState> candidates)
    {
        public IReadOnlyList<DestinationState> Candidates { get; } = candidates;

        // Continuations run inline: the freed slot goes straight to the waiting request on the releasing thread,
        // outside the lock, instead of after a thread-pool hop that leaves the upstream's slot idle meanwhile.
        public TaskCompletionSource<DestinationLease?> Completion { get; } = new();

        public LinkedListNode<Waiter>? Node { get; set; }

        public void Abandon() => gate.Abandon(this);
    }
}
