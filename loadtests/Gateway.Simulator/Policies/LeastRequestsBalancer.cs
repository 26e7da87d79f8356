using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>
/// YARP's <c>LeastRequests</c>: fewest of this replica's requests in flight; on a tie the first in list order, so
/// at light load the first upstreams take most of the work.
/// </summary>
internal sealed class LeastRequestsBalancer(Simulation simulation) : IBalancer
{
    private readonly int[] _inFlight = new int[simulation.Replicas * simulation.Upstreams];

    public void OnArrival(int id)
    {
        var n = simulation.Upstreams;
        var counts = _inFlight.AsSpan(simulation.Request(id).Replica * n, n);
        var pick = counts.IndexOf(LeastScan.Min(counts));
        counts[pick]++;
        simulation.Dispatch(id, pick);
    }

    public void OnResponse(int id)
    {
        ref var request = ref simulation.Request(id);
        _inFlight[(request.Replica * simulation.Upstreams) + request.Upstream]--;
    }

    public void OnTimer(int replica, int generation)
    {
    }
}
