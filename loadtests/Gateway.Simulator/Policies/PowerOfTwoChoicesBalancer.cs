using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>
/// YARP's <c>PowerOfTwoChoices</c>: two distinct random upstreams, the one with fewer of this replica's requests in
/// flight, the first on a tie. YARP counts a request from when forwarding starts; here that is the moment of the
/// pick, and it stops counting when the response reaches the replica.
/// </summary>
internal sealed class PowerOfTwoChoicesBalancer(Simulation simulation) : IBalancer
{
    private readonly int[] _inFlight = new int[simulation.Replicas * simulation.Upstreams];

    public void OnArrival(int id)
    {
        var n = simulation.Upstreams;
        var offset = simulation.Request(id).Replica * n;
        int pick;
        if (n == 1)
        {
            pick = 0;
        }
        else
        {
            var random = simulation.PolicyRandom;
            var first = random.Next(n);
            int second;
            do
            {
                second = random.Next(n);
            }
            while (second == first);
            pick = _inFlight[offset + first] <= _inFlight[offset + second] ? first : second;
        }

        _inFlight[offset + pick]++;
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
