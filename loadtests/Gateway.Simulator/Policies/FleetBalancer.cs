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
internal sealed class FleetBalancer : IBalancer
{
    private const double TicksPerSecond = 1e9;
    private const int AcquireAtStore = 0;
    private const int GrantAtReplica = 1;
    private const int ReleaseAtStore = 2;

    private readonly Simulation _simulation;
    private readonly GateCore<int> _core;
    private readonly DestinationLoad[] _candidates;
    private readonly List<GateCore<int>.Grant> _grants = [];

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
    }

    private long Now => (long)(_simulation.Now * TicksPerSecond);

    public void OnArrival(int id) => Later(id, AcquireAtStore);

    // The release carries the destination, not the request: the request's id is reused as soon as it completes, and
    // with trips that vary a newer request can be granted (and its Upstream set) before this release reaches the store.
    public void OnResponse(int id) => Later(_simulation.Request(id).Upstream, ReleaseAtStore);

    /// <summary><paramref name="key"/> is a request id, or for <see cref="ReleaseAtStore"/> the destination freed.</summary>
    public void OnTimer(int key, int kind)
    {
        var id = key;
        switch (kind)
        {
            case AcquireAtStore:
                var index = _core.AcquireOrEnqueue(id, _candidates, Now, out _);
                if (index >= 0)
                {
                    Grant(id, index);
                }

                break;
            case GrantAtReplica:
                _simulation.Dispatch(id, _simulation.Request(id).Upstream);
                break;
            case ReleaseAtStore:
                _core.Release(_candidates[key], Now);
                _grants.Clear();
                _core.Dispatch(Now, _grants);
                foreach (var grant in _grants)
                {
                    Grant(grant.Waiter, grant.CandidateIndex);
                }

                break;
        }
    }

    private void Grant(int id, int upstream)
    {
        _simulation.Request(id).Upstream = upstream;
        Later(id, GrantAtReplica);
    }

    /// <summary>One leg to or from the store from now; the simulation's timer carries the key and the step.</summary>
    private void Later(int key, int kind) => _simulation.ScheduleTimer(key, _simulation.Now + _simulation.NextStoreLeg(), kind);
}
