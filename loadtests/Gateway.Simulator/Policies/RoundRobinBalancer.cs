using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>YARP's <c>RoundRobin</c>: each replica keeps its own counter, starting at 0 like a fresh process.</summary>
internal sealed class RoundRobinBalancer(Simulation simulation) : IBalancer
{
    private readonly int[] _counters = new int[simulation.Replicas];

    public void OnArrival(int id)
    {
        var replica = simulation.Request(id).Replica;
        var offset = _counters[replica]++;
        simulation.Dispatch(id, (offset & 0x7FFFFFFF) % simulation.Upstreams);
    }

    public void OnResponse(int id)
    {
    }

    public void OnTimer(int replica, int generation)
    {
    }
}
