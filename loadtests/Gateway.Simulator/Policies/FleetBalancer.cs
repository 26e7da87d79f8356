using Gateway.Balancing;
using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>
/// Fleet mode: one <see cref="GateCore{TWaiter}"/> shared by every replica, standing for the gate the fleet keeps in
/// Redis. Counts are exact and one FIFO queue spans the fleet. What it costs is the trip to Redis: an acquire reaches
/// it half a store round trip after the arrival and its answer comes back half a round trip later; a release reaches it
/// half a round trip after the response, and a slot it frees for a waiter reaches that waiter's replica (by pub/sub)
/// half a round trip after that.
/// </summary>
/// <remarks>
/// Reserves (<see cref="SimulationScenario.FleetReserve"/>, the gateway's <c>Gateway:Fleet:Reserve</c>): each replica
/// holds up to that many slots in its own <see cref="ReservePool{TSlot}"/> (the gateway's class) and its arrivals take
/// one without a trip. The store's side, as the gateway's scripts do it: it keeps a finished request's slot for its
/// replica, and tops a replica's reserve up, only while nobody waits in its queue and it would still have the free
/// slots the replica's pool asks it to leave (<see cref="ReservePool{TSlot}.FreeSlotsToLeave"/>); it marks those slots
/// as reserved until they are released; and a request that queues sends every replica with a marked slot a reclaim, to
/// which each gives one slot back.
/// </remarks>
internal sealed class FleetBalancer : IBalancer
{
    private const double TicksPerSecond = 1e9;
    private const int StepBits = 4;
    private const int StepMask = (1 << StepBits) - 1;

    private readonly Simulation _simulation;
    private readonly GateCore<int> _core;
    private readonly DestinationLoad[] _candidates;
    private readonly List<GateCore<int>.Grant> _grants = [];
    private readonly ReservePool<int>[] _reserves;

    /// <summary>Per replica, the slots the store has marked as its reserve (held, on their way, or in use since).</summary>
    private readonly int[] _marked;

    /// <summary>Per replica, its top-up under way: how many it asked for, how many it held then, and what the store granted.</summary>
    private readonly int[] _topUpAsked;
    private readonly int[] _topUpHeld;
    private readonly List<int>[] _topUpGranted;

    /// <summary>Per request id, whether it took its slot from a reserve (so the store has it marked).</summary>
    private bool[] _fromReserve = new bool[1024];

    public FleetBalancer(Simulation simulation)
    {
        _simulation = simulation;
        _core = new GateCore<int>(new GateSettings(), new Random(simulation.PolicyRandom.Next(int.MaxValue)), (long)TicksPerSecond);
        _candidates = new DestinationLoad[simulation.Upstreams];
        for (var upstream = 0; upstream < _candidates.Length; upstream++)
        {
            _candidates[upstream] = _core.Load($"u{upstream}");
            _core.ProbeSucceeded(_candidates[upstream], simulation.Slots, 0);
        }

        _reserves = new ReservePool<int>[simulation.Replicas];
        _topUpGranted = new List<int>[simulation.Replicas];
        for (var replica = 0; replica < _reserves.Length; replica++)
        {
            _reserves[replica] = new ReservePool<int>(simulation.FleetReserve);
            _topUpGranted[replica] = [];
        }

        _marked = new int[simulation.Replicas];
        _topUpAsked = new int[simulation.Replicas];
        _topUpHeld = new int[simulation.Replicas];
    }

    private enum Step
    {
        AcquireAtStore,
        AcquiredAtReplica,
        GrantAtReplica,
        ReleaseAtStore,
        ReleaseMarkedAtStore,
        KeepAtStore,
        KeepMarkedAtStore,
        KeptAtReplica,
        RefusedAtReplica,
        TopUpAtStore,
        TopUpAtReplica,
        ReclaimAtReplica,
    }

    private long Now => (long)(_simulation.Now * TicksPerSecond);

    public void OnArrival(int id)
    {
        var replica = _simulation.Request(id).Replica;
        if (id >= _fromReserve.Length)
        {
            Array.Resize(ref _fromReserve, Math.Max(id + 1, 2 * _fromReserve.Length));
        }

        // Every upstream is a candidate here, so any reserved slot will do.
        _fromReserve[id] = _reserves[replica].TryTake(static _ => true, out var upstream);
        if (_fromReserve[id])
        {
            _simulation.Dispatch(id, upstream);
            TopUp(replica);
        }
        else
        {
            Later(id, Step.AcquireAtStore);
        }
    }

    // The release carries the replica and destination, not the request: the request's id is reused as soon as it
    // completes, and with trips that vary a newer request can be granted (and its Upstream set) before this release
    // reaches the store.
    public void OnResponse(int id)
    {
        ref var request = ref _simulation.Request(id);
        var slot = Slot(request.Replica, request.Upstream);
        var marked = _fromReserve[id];
        if (_reserves[request.Replica].TryBeginKeep(out var freeToLeave))
        {
            Later(slot, marked ? Step.KeepMarkedAtStore : Step.KeepAtStore, freeToLeave);
        }
        else
        {
            Later(slot, marked ? Step.ReleaseMarkedAtStore : Step.ReleaseAtStore);
        }
    }

    /// <summary>
    /// <paramref name="key"/> is a request id for the acquire and its grant, a replica for the top-up and the reclaim,
    /// and for the other steps a replica's slot at a destination (<see cref="Slot"/>). <paramref name="kind"/> is the
    /// step, and above its low bits a keep's free slots to leave.
    /// </summary>
    public void OnTimer(int key, int kind)
    {
        var replica = key / _simulation.Upstreams;
        var upstream = key % _simulation.Upstreams;
        switch ((Step)(kind & StepMask))
        {
            case Step.AcquireAtStore:
                var index = _core.AcquireOrEnqueue(key, _candidates, Now, out _);
                if (index >= 0)
                {
                    _simulation.Request(key).Upstream = index;
                    Later(key, Step.AcquiredAtReplica);
                }
                else if (index == GateCore<int>.Queued)
                {
                    Reclaim();
                }

                break;
            case Step.GrantAtReplica:
                _simulation.Dispatch(key, _simulation.Request(key).Upstream);
                break;
            case Step.AcquiredAtReplica:
                _simulation.Dispatch(key, _simulation.Request(key).Upstream);
                TopUp(_simulation.Request(key).Replica);
                break;
            case Step.ReleaseAtStore:
                ReleaseAndDispatch(upstream);
                break;
            case Step.ReleaseMarkedAtStore:
                _marked[replica]--;
                ReleaseAndDispatch(upstream);
                break;
            case Step.KeepAtStore:
            case Step.KeepMarkedAtStore:
                var marked = (Step)(kind & StepMask) == Step.KeepMarkedAtStore;
                if (_core.QueueLength == 0 && FreeSlots() >= kind >> StepBits)
                {
                    _marked[replica] += marked ? 0 : 1;
                    Later(key, Step.KeptAtReplica);
                }
                else
                {
                    _marked[replica] -= marked ? 1 : 0;
                    ReleaseAndDispatch(upstream);
                    Later(key, Step.RefusedAtReplica);
                }

                break;
            case Step.KeptAtReplica:
                if (!_reserves[replica].EndKeep(upstream, kept: true))
                {
                    Later(key, Step.ReleaseMarkedAtStore);
                }

                break;
            case Step.RefusedAtReplica:
                _reserves[replica].EndKeep(upstream, kept: false);
                break;
            case Step.TopUpAtStore:
                var granted = _topUpGranted[key];
                granted.Clear();
                while (granted.Count < _topUpAsked[key] && _core.QueueLength == 0
                    && FreeSlots() > ReservePool<int>.FreeSlotsToLeave(_topUpHeld[key] + granted.Count)
                    && _core.TryAcquire(_candidates, enforceLimits: true, Now) is var extra and >= 0)
                {
                    granted.Add(extra);
                    _marked[key]++;
                }

                Later(key, Step.TopUpAtReplica);
                break;
            case Step.TopUpAtReplica:
                foreach (var released in _reserves[key].EndTopUp(_topUpAsked[key], _topUpGranted[key]))
                {
                    Later(Slot(key, released), Step.ReleaseMarkedAtStore);
                }

                break;
            case Step.ReclaimAtReplica:
                if (_reserves[key].TryReclaimOne(out var reclaimed))
                {
                    Later(Slot(key, reclaimed), Step.ReleaseMarkedAtStore);
                }

                break;
        }
    }

    /// <summary>
    /// Asks the store to fill the replica's reserve, as the gateway does once a request took a slot at once (from the
    /// reserve, or by an acquire that did not queue): then nobody was waiting a moment ago. After a queued acquire it
    /// does not ask, since the store would grant nothing.
    /// </summary>
    private void TopUp(int replica)
    {
        var wanted = _reserves[replica].TryBeginTopUp(out var held);
        if (wanted > 0)
        {
            _topUpAsked[replica] = wanted;
            _topUpHeld[replica] = held;
            Later(replica, Step.TopUpAtStore);
        }
    }

    private int Slot(int replica, int upstream) => (replica * _simulation.Upstreams) + upstream;

    /// <summary>Slots the store has free: every limit less every slot counted (in use, on its way, or reserved).</summary>
    private int FreeSlots()
    {
        var free = 0;
        foreach (var load in _candidates)
        {
            free += _simulation.Slots - load.InFlight;
        }

        return free;
    }

    private void ReleaseAndDispatch(int upstream)
    {
        _core.Release(_candidates[upstream], Now);
        _grants.Clear();
        _core.Dispatch(Now, _grants);
        foreach (var grant in _grants)
        {
            Grant(grant.Waiter, grant.CandidateIndex);
        }
    }

    /// <summary>A request queued in the store: every replica with a marked slot is asked (by pub/sub) for one back.</summary>
    private void Reclaim()
    {
        for (var replica = 0; replica < _marked.Length; replica++)
        {
            if (_marked[replica] > 0)
            {
                Later(replica, Step.ReclaimAtReplica);
            }
        }
    }

    private void Grant(int id, int upstream)
    {
        _simulation.Request(id).Upstream = upstream;
        Later(id, Step.GrantAtReplica);
    }

    /// <summary>One leg to or from the store from now; the simulation's timer carries the key, the step and a keep's free slots to leave.</summary>
    private void Later(int key, Step step, int freeToLeave = 0) =>
        _simulation.ScheduleTimer(key, _simulation.Now + _simulation.NextStoreLeg(), (int)step | (freeToLeave << StepBits));
}
