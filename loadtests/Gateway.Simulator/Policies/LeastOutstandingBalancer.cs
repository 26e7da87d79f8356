using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>
/// The gateway's <c>LeastOutstanding</c> (<c>ClusterGate.TryAcquireLeastOutstanding</c>): fewest of this replica's
/// requests in flight, ties at random, picked and counted in one step; limits and load reports play no part.
/// </summary>
internal sealed class LeastOutstandingBalancer(Simulation simulation) : IBalancer
{
    private readonly int[] _inFlight = new int[simulation.Replicas * simulation.Upstreams];
    private readonly int[] _ties = new int[simulation.Upstreams];

    public void OnArrival(int id)
    {
        var n = simulation.Upstreams;
        var counts = _inFlight.AsSpan(simulation.Request(id).Replica * n, n);
        var ties = LeastScan.IndicesOf(counts, LeastScan.Min(counts), _ties);

        // One draw among the tied, where ClusterGate draws once per tie (reservoir sampling): the same distribution.
        var pick = ties == 1 ? _ties[0] : _ties[simulation.PolicyRandom.Next(ties)];
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
