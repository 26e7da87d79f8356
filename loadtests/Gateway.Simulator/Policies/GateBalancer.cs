using Gateway.Balancing;
using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>
/// The gateway's own policies, <c>LeastOutstanding</c> and <c>ConcurrencyAware</c>: one <see cref="GateCore{TWaiter}"/>
/// per replica, the same class each gateway's <c>ClusterGate</c> drives, called in the same order as the gateway calls
/// it on a response (load report, release, outcome), with every upstream a candidate.
/// </summary>
/// <remarks>
/// What the gateway's shell adds and this leaves out: queue length and timeout are unbounded and no client gives up;
/// picks, reports and releases take no time; the look-again timer fires exactly when due (plus the shell's 1 ms). Each
/// upstream's limit is known from the start, as after the gateway's first active health probes.
/// </remarks>
internal sealed class GateBalancer : IBalancer
{
    private const double TicksPerSecond = 1e9;
    private const double RetryDelay = 0.001;

    private readonly Simulation _simulation;
    private readonly bool _enforceLimits;
    private readonly GateCore<int>[] _cores;
    private readonly DestinationLoad[][] _candidates;
    private readonly List<GateCore<int>.Grant> _grants = [];
    private readonly double[] _wakeDue;
    private readonly int[] _wakeGeneration;

    public GateBalancer(Simulation simulation, bool enforceLimits, GateSettings settings)
    {
        _simulation = simulation;
        _enforceLimits = enforceLimits;
        _cores = new GateCore<int>[simulation.Replicas];
        _candidates = new DestinationLoad[simulation.Replicas][];
        for (var replica = 0; replica < _cores.Length; replica++)
        {
            var core = new GateCore<int>(settings, new Random(simulation.PolicyRandom.Next(int.MaxValue)), (long)TicksPerSecond);
            var loads = new DestinationLoad[simulation.Upstreams];
            for (var upstream = 0; upstream < loads.Length; upstream++)
            {
                loads[upstream] = core.Load($"u{upstream}");
                core.ProbeSucceeded(loads[upstream], simulation.Slots, 0);
            }

            (_cores[replica], _candidates[replica]) = (core, loads);
        }

        _wakeDue = new double[simulation.Replicas];
        Array.Fill(_wakeDue, double.NaN);
        _wakeGeneration = new int[simulation.Replicas];
    }

    /// <summary>The gateway's defaults, with the limit each upstream reports.</summary>
    public static GateSettings DefaultSettings => new();

    private long Now => (long)(_simulation.Now * TicksPerSecond);

    public void OnArrival(int id)
    {
        var replica = _simulation.Request(id).Replica;
        var core = _cores[replica];
        var candidates = _candidates[replica];
        var index = _enforceLimits
            ? core.AcquireOrEnqueue(id, candidates, Now, out _)
            : core.TryAcquire(candidates, enforceLimits: false, Now);
        if (index >= 0)
        {
            _simulation.Dispatch(id, index);
            return;
        }

        ScheduleWake(replica);
    }

    public void OnResponse(int id)
    {
        ref var request = ref _simulation.Request(id);
        var replica = request.Replica;
        var core = _cores[replica];
        var load = _candidates[replica][request.Upstream];
        var now = Now;

        // As the gateway does on response headers: the load report with this request still counted, then the release,
        // then the outcome for passive health; the gate dispatches waiters after each.
        var roundTrip = _simulation.Now - request.Dispatched;
        var upstreamOverhead = Math.Max(0, roundTrip - (request.Ended - request.Started));
        core.ReportLoad(load, request.ReportedInFlight, _simulation.Slots, upstreamOverhead, now);
        Dispatch(replica);
        core.Release(load, now);
        Dispatch(replica);
        core.RecordOutcome(load, failed: false, holdBack: null, now);
        Dispatch(replica);
    }

    public void OnTimer(int replica, int generation)
    {
        if (generation != _wakeGeneration[replica])
        {
            // Re-armed since; a later event carries the current generation.
            return;
        }

        _wakeDue[replica] = double.NaN;
        Dispatch(replica);
    }

    private void Dispatch(int replica)
    {
        var core = _cores[replica];
        if (core.QueueLength == 0)
        {
            return;
        }

        _grants.Clear();
        core.Dispatch(Now, _grants);
        foreach (var grant in _grants)
        {
            _simulation.Dispatch(grant.Waiter, grant.CandidateIndex);
        }

        ScheduleWake(replica);
    }

    private void ScheduleWake(int replica)
    {
        if (_cores[replica].NextWake(Now) is not { } earliest)
        {
            return;
        }

        var due = (earliest / TicksPerSecond) + RetryDelay;
        if (due == _wakeDue[replica])
        {
            return;
        }

        _wakeDue[replica] = due;
        _simulation.ScheduleTimer(replica, due, ++_wakeGeneration[replica]);
    }
}
