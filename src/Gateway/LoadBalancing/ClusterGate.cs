using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Gateway.Balancing;
using Gateway.Fleet;
using Gateway.UpstreamFeedback;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// One cluster's gate at this gateway: the asynchronous, locked, clock-driven shell around its
/// <see cref="GateCore{TWaiter}"/>, which makes every balancing decision. Picking a destination and counting the
/// request happen under one lock, so a burst spreads instead of piling onto whichever destination looked idle a
/// moment ago. This class adds what the core leaves out: YARP's destination models, waiting with a timeout and
/// client aborts, completing waiters outside the lock, and a timer for waiters that no release will wake.
/// </summary>
internal sealed class ClusterGate
{
    private readonly object _sync = new();
    private readonly TimeProvider _time;
    private readonly Func<GateOptions> _options;
    private readonly FleetCoordinator? _fleet;
    private readonly GateCore<Waiter> _core;
    private readonly List<GateCore<Waiter>.Grant> _grants = [];
    private ClusterModel? _settingsModel;
    private GateOptions? _settingsOptions;
    private ClusterGateSettings _settings;
    private IReadOnlyList<DestinationState>? _lastCandidates;
    private DestinationState[] _lastStates = [];
    private DestinationLoad[] _lastLoads = [];
    private ITimer? _retryTimer;
    private int _queueLength;

    public ClusterGate(string clusterId, TimeProvider time, Func<GateOptions> options, FleetCoordinator? fleet = null)
    {
        ClusterId = clusterId;
        _time = time;
        _options = options;
        _fleet = fleet;
        var current = options();
        var random = current.LoadBalancing.Seed is { } seed ? new Random(seed) : new Random();
        _settings = ClusterGateSettings.From(null, current);
        _core = new GateCore<Waiter>(_settings.Core, random, time.TimestampFrequency);
    }

    public string ClusterId { get; }

    public int QueueLength => Volatile.Read(ref _queueLength);

    /// <summary>When a lease frees its slot (<c>Gateway:LoadBalancing:ReleaseOn</c>), as configured now.</summary>
    public SlotRelease ReleaseOn => _options().LoadBalancing.ReleaseOn;

    /// <summary>
    /// Picks the destination with the fewest requests in flight from this gateway and counts the request against it,
    /// ignoring limits. Never waits; null only when there are no candidates.
    /// </summary>
    public DestinationLease? TryAcquireLeastOutstanding(ClusterModel? cluster, IReadOnlyList<DestinationState> candidates)
    {
        lock (_sync)
        {
            RefreshLocked(cluster);
            var loads = LoadsLocked(candidates);
            var index = _core.TryAcquire(loads, enforceLimits: false, _time.GetTimestamp());
            return index < 0 ? null : new DestinationLease(this, loads[index], candidates[index]);
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
            var index = _core.Peek(LoadsLocked(candidates), enforceLimits: false, _time.GetTimestamp());
            return index < 0 ? null : candidates[index];
        }
    }

    /// <summary>
    /// Takes a slot on the destination with the most room, or waits in FIFO order for one.
    /// Fails fast when the queue is full; gives up at the queue timeout or when the client aborts.
    /// </summary>
    public ValueTask<GateResult> AcquireAsync(ClusterModel? cluster, IReadOnlyList<DestinationState> candidates, CancellationToken aborted)
    {
        var start = _time.GetTimestamp();
        return _fleet is { Active: true } fleet
            ? AcquireFromFleetOrLocallyAsync(fleet, cluster, candidates, start, aborted)
            : AcquireLocally(cluster, candidates, start, aborted);
    }

    private async ValueTask<GateResult> AcquireFromFleetOrLocallyAsync(
        FleetCoordinator fleet, ClusterModel? cluster, IReadOnlyList<DestinationState> candidates, long start, CancellationToken aborted) =>
        await AcquireFromFleetAsync(fleet, cluster, candidates, start, aborted) is { } shared
            ? shared
            : await AcquireLocally(cluster, candidates, start, aborted);

    /// <summary>
    /// Not an async method: a request granted at once allocates no waiter, and one that waits holds only its
    /// <see cref="Waiter"/> (the awaitable itself, armed with its timeout and abort), not a state machine as well.
    /// </summary>
    private ValueTask<GateResult> AcquireLocally(ClusterModel? cluster, IReadOnlyList<DestinationState> candidates, long start, CancellationToken aborted)
    {
        lock (_sync)
        {
            var settings = RefreshLocked(cluster);
            var loads = LoadsLocked(candidates);
            var index = _core.TryAcquireAhead(loads, start);
            if (index >= 0)
            {
                return new(new GateResult(GateOutcome.Granted, new DestinationLease(this, loads[index], candidates[index]), TimeSpan.Zero));
            }

            var waiter = new Waiter(this, candidates, start, aborted);
            if (_core.Enqueue(waiter, loads, out var node) == GateCore<Waiter>.QueueFull)
            {
                return new(new GateResult(GateOutcome.QueueFull, null, TimeSpan.Zero));
            }

            waiter.Node = node;
            _queueLength = _core.QueueLength;
            ScheduleRetryLocked(start);

            // Armed under the lock, once queued: a grant or timeout reaches the waiter only after the lock is let go,
            // and a client that already went away abandons it here, before anyone awaits it.
            waiter.Arm(settings.QueueTimeout);
            return new(waiter, 0);
        }
    }

    /// <summary>
    /// Takes in an upstream's load report, received while <paramref name="lease"/> is still held. The upstream
    /// counted this request, and so does <see cref="DestinationLoad.InFlight"/>; the difference is other callers' work.
    /// </summary>
    public void ReportLoad(
        DestinationLease lease, int? reportedInFlight, int? reportedLimit, TimeSpan? upstreamOverhead = null)
    {
        List<(Waiter, DestinationLease)>? grants = null;
        lock (_sync)
        {
            var now = _time.GetTimestamp();
            _core.ReportLoad(lease.Load, reportedInFlight, reportedLimit, upstreamOverhead?.TotalSeconds, now);
            DispatchLocked(now, ref grants);
        }

        Complete(grants);
    }

    /// <summary>A consistent copy of every destination's figures, for metrics.</summary>
    public IReadOnlyList<(string DestinationId, int InFlight, int? Limit, bool Ejected)> Snapshot()
    {
        lock (_sync)
        {
            var now = _time.GetTimestamp();
            return _core.Loads.Select(l => (l.DestinationId, l.InFlight, l.EffectiveLimit(_settings.Core), l.IsEjected(now))).ToArray();
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
            result = _core.RecordOutcome(lease.Load, failure != UpstreamFailureKind.None, holdBack, now);
            DispatchLocked(now, ref grants);
        }

        Complete(grants);
        return result;
    }

    /// <summary>
    /// Takes in a passed active health probe: its load report's concurrency limit, and proof of life, which ends a
    /// passive ejection early (see <see cref="GateCore{TWaiter}.ProbeSucceeded"/>).
    /// </summary>
    public void ProbeSucceeded(string destinationId, int? limit)
    {
        List<(Waiter, DestinationLease)>? grants = null;
        lock (_sync)
        {
            var now = _time.GetTimestamp();
            _core.ProbeSucceeded(_core.Load(destinationId), limit, now);
            DispatchLocked(now, ref grants);
        }

        Complete(grants);
    }

    internal void Release(DestinationLease lease)
    {
        List<(Waiter, DestinationLease)>? grants = null;
        lock (_sync)
        {
            var now = _time.GetTimestamp();
            _core.Release(lease.Load, now);
            DispatchLocked(now, ref grants);
        }

        if (lease.FleetLeaseId is { } leaseId)
        {
            _fleet?.Release(ClusterId, lease.Load.DestinationId, leaseId);
        }

        Complete(grants);
    }

    /// <summary>
    /// Fleet mode: a slot this replica holds in reserve, or else the shared gate in Redis picks and counts for the whole
    /// fleet, and queues the request in the fleet's FIFO when every destination is full. Null when the fleet cannot decide (Redis failed or slow, which switches
    /// this replica to local mode, or no candidate is in rotation here): the caller then uses this replica's own gate.
    /// </summary>
    private async ValueTask<GateResult?> AcquireFromFleetAsync(
        FleetCoordinator fleet, ClusterModel? cluster, IReadOnlyList<DestinationState> candidates, long start, CancellationToken aborted)
    {
        ClusterGateSettings settings;
        List<FleetCandidate> offered;
        lock (_sync)
        {
            settings = RefreshLocked(cluster);
            var loads = LoadsLocked(candidates);
            offered = new List<FleetCandidate>(loads.Length);
            foreach (var load in loads)
            {
                // Passive health is this replica's own: what it has ejected or holds back, it does not offer.
                if (load.IsAvailable(start))
                {
                    offered.Add(new FleetCandidate(load.DestinationId, load.EffectiveLimit(settings.Core) ?? FleetCoordinator.UnlimitedLimit));
                }
            }
        }

        if (offered.Count == 0)
        {
            return null;
        }

        // A slot this replica holds in reserve needs no Redis trip. The reserve is topped up behind whenever a request
        // took a slot at once (nobody was waiting), not after one that queued: Redis would grant nothing then.
        if (fleet.TryTakeReserve(ClusterId, offered, out var fromReserve))
        {
            fleet.TopUp(ClusterId, offered);
            return GrantedByFleet(candidates, fromReserve.Destination, fromReserve.LeaseId, start);
        }

        var leaseId = fleet.NextLeaseId();
        FleetAcquireResult acquired;
        Task<string?> grant;
        try
        {
            (acquired, grant) = await fleet.AcquireAsync(ClusterId, leaseId, settings.QueueTimeout, settings.Core.MaxQueueLength, offered, aborted).ConfigureAwait(false);
        }
        catch (FleetStoreException)
        {
            return null;
        }

        if (acquired.Kind == FleetAcquireKind.QueueFull)
        {
            return new GateResult(GateOutcome.QueueFull, null, TimeSpan.Zero);
        }

        var destination = acquired.Destination;
        if (acquired.Kind == FleetAcquireKind.Granted)
        {
            fleet.TopUp(ClusterId, offered);
        }
        else if (acquired.Kind == FleetAcquireKind.Queued)
        {
            using var timeout = new CancellationTokenSource(settings.QueueTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
            try
            {
                destination = await fleet.WaitForGrantAsync(ClusterId, leaseId, grant, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                var outcome = aborted.IsCancellationRequested ? GateOutcome.ClientAborted : GateOutcome.QueueTimeout;
                return new GateResult(outcome, null, _time.GetElapsedTime(start));
            }

            if (destination is not null && aborted.IsCancellationRequested)
            {
                // Granted as the client went away: the slot goes straight back.
                fleet.Release(ClusterId, destination, leaseId);
                return new GateResult(GateOutcome.ClientAborted, null, _time.GetElapsedTime(start));
            }
        }

        // Null: the fleet went away while this request waited in its queue; it waits again in this replica's own gate.
        return destination is null ? null : GrantedByFleet(candidates, destination, leaseId, start);
    }

    private GateResult? GrantedByFleet(IReadOnlyList<DestinationState> candidates, string destination, string leaseId, long start)
    {
        DestinationLease? lease = null;
        lock (_sync)
        {
            var loads = LoadsLocked(candidates);
            for (var i = 0; i < loads.Length; i++)
            {
                if (string.Equals(loads[i].DestinationId, destination, StringComparison.OrdinalIgnoreCase))
                {
                    _core.Take(loads[i]);
                    lease = new DestinationLease(this, loads[i], candidates[i]) { FleetLeaseId = leaseId };
                    break;
                }
            }
        }

        if (lease is null)
        {
            // A slot freed at a destination this request may not use (this replica ejected it, or a retry excludes
            // it): give it back at once and decide locally rather than wait again at the back of the fleet's queue.
            _fleet!.Release(ClusterId, destination, leaseId);
            return null;
        }

        return new GateResult(GateOutcome.Granted, lease, _time.GetElapsedTime(start));
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
                waiter.Complete(lease);
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Waiter.Complete(state.Lease), (Waiter: waiter, Lease: lease), preferLocal: false);
            }
        }
    }

    private void Abandon(Waiter waiter)
    {
        lock (_sync)
        {
            if (waiter.Node is not { } node || !_core.Remove(node))
            {
                // Already granted: the lease reaches the awaiting request, which releases it.
                return;
            }

            _queueLength = _core.QueueLength;
        }

        waiter.Complete(null);
    }

    private ClusterGateSettings RefreshLocked(ClusterModel? cluster)
    {
        var options = _options();
        if (!ReferenceEquals(cluster, _settingsModel) || !ReferenceEquals(options, _settingsOptions))
        {
            _settingsModel = cluster;
            _settingsOptions = options;
            _settings = ClusterGateSettings.From(cluster, options);
            _core.Settings = _settings.Core;
        }

        return _settings;
    }

    /// <summary>
    /// The core's figures for <paramref name="candidates"/>, in the same order. YARP hands the same list object to
    /// request after request until a destination's health or the configuration changes, so the mapping is reused;
    /// a list handed out is never changed, since a waiter keeps it.
    /// </summary>
    private DestinationLoad[] LoadsLocked(IReadOnlyList<DestinationState> candidates)
    {
        var loads = _lastLoads;
        var states = _lastStates;
        var same = ReferenceEquals(candidates, _lastCandidates) && states.Length == candidates.Count;
        for (var i = 0; same && i < states.Length; i++)
        {
            same = ReferenceEquals(states[i], candidates[i]);
        }

        if (!same)
        {
            states = [.. candidates];
            loads = new DestinationLoad[states.Length];
            for (var i = 0; i < states.Length; i++)
            {
                loads[i] = _core.Load(states[i].DestinationId);
            }

            (_lastCandidates, _lastStates, _lastLoads) = (candidates, states, loads);
        }

        for (var i = 0; i < states.Length; i++)
        {
            var model = states[i].Model;
            if (!ReferenceEquals(loads[i].ConfiguredFrom, model))
            {
                loads[i].ConfiguredFrom = model;
                loads[i].ConfiguredLimit = GatewayMetadata.ReadPositiveInt(model.Config.Metadata, GatewayMetadata.ConcurrencyLimit);
            }
        }

        return loads;
    }

    private void DispatchLocked(long now, ref List<(Waiter, DestinationLease)>? grants)
    {
        if (_core.QueueLength == 0)
        {
            return;
        }

        _grants.Clear();
        _core.Dispatch(now, _grants);
        foreach (var grant in _grants)
        {
            var waiter = grant.Waiter;
            (grants ??= []).Add((waiter, new DestinationLease(this, grant.Load, waiter.Candidates[grant.CandidateIndex])));
        }

        _grants.Clear();
        _queueLength = _core.QueueLength;
        ScheduleRetryLocked(now);
    }

    /// <summary>
    /// Waiters held back only by other callers' reported work, an ejection or a hold-back would otherwise wait for a
    /// release that may never come from this gateway: look again when the core says one of those ends.
    /// </summary>
    private void ScheduleRetryLocked(long now)
    {
        if (_core.NextWake(now) is not { } earliest)
        {
            return;
        }

        var due = _time.GetElapsedTime(now, earliest) + TimeSpan.FromMilliseconds(1);
        _retryTimer ??= _time.CreateTimer(static state => ((ClusterGate)state!).OnRetryTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _retryTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void OnRetryTimer()
    {
        List<(Waiter, DestinationLease)>? grants = null;
        lock (_sync)
        {
            DispatchLocked(_time.GetTimestamp(), ref grants);
        }

        Complete(grants);
    }

    /// <summary>
    /// A queued request, and what it awaits: completed once, with a lease or (abandoned at its timeout or by its client)
    /// without. Continuations run inline: the freed slot goes straight to the waiting request on the releasing thread,
    /// outside the lock, instead of after a thread-pool hop that leaves the upstream's slot idle meanwhile.
    /// </summary>
    private sealed class Waiter(ClusterGate gate, IReadOnlyList<DestinationState> candidates, long start, CancellationToken aborted)
        : IValueTaskSource<GateResult>
    {
        private ManualResetValueTaskSourceCore<GateResult> _result;
        private ITimer? _timeout;
        private CancellationTokenRegistration _abort;
        private bool _completed;

        public IReadOnlyList<DestinationState> Candidates { get; } = candidates;

        public LinkedListNode<GateCore<Waiter>.QueuedWaiter>? Node { get; set; }

        /// <summary>
        /// One timer and one registration on the request's own token, rather than a timeout token source linked with it
        /// (about 450 bytes less per waiting request in the queue-memory scenario). Called under the gate's lock.
        /// </summary>
        public void Arm(TimeSpan timeout)
        {
            _timeout = gate._time.CreateTimer(static state => ((Waiter)state!).Abandon(), this, timeout, Timeout.InfiniteTimeSpan);
            _abort = aborted.UnsafeRegister(static state => ((Waiter)state!).Abandon(), this);
            if (_completed)
            {
                // The client had already gone: the registration abandoned the waiter as it was made.
                Disarm();
            }
        }

        /// <summary>Called once: by the grant, or by <see cref="Abandon"/> for the waiter it took out of the queue.</summary>
        public void Complete(DestinationLease? lease)
        {
            _completed = true;
            Disarm();
            var waited = gate._time.GetElapsedTime(start);
            _result.SetResult(lease is not null
                ? new GateResult(GateOutcome.Granted, lease, waited)
                : new GateResult(aborted.IsCancellationRequested ? GateOutcome.ClientAborted : GateOutcome.QueueTimeout, null, waited));
        }

        public GateResult GetResult(short token) => _result.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _result.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _result.OnCompleted(continuation, state, token, flags);

        /// <summary>A no-op once granted.</summary>
        private void Abandon() => gate.Abandon(this);

        private void Disarm()
        {
            _timeout?.Dispose();
            _abort.Dispose();
        }
    }
}
