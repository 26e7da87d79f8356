using Gateway.Balancing;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>One request's claim on one destination's slot. Disposing it frees the slot exactly once.</summary>
internal sealed class DestinationLease : IDisposable
{
    private readonly ClusterGate _gate;
    private int _released;

    public DestinationLease(ClusterGate gate, DestinationLoad load, DestinationState destination)
    {
        _gate = gate;
        Load = load;
        Destination = destination;
    }

    public DestinationLoad Load { get; }

    public DestinationState Destination { get; }

    public ClusterGate Gate => _gate;

    /// <summary>The fleet's lease id when the slot was granted by the shared gate in Redis, else null.</summary>
    public string? FleetLeaseId { get; init; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _gate.Release(this);
        }
    }
}
