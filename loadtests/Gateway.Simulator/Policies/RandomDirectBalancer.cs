using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>No balancer: every request goes straight to a uniformly random upstream. Replicas play no part.</summary>
internal sealed class RandomDirectBalancer(Simulation simulation) : IBalancer
{
    public void OnArrival(int id) => simulation.Dispatch(id, simulation.PolicyRandom.Next(simulation.Upstreams));

    public void OnResponse(int id)
    {
    }

    public void OnTimer(int replica, int generation)
    {
    }
}
