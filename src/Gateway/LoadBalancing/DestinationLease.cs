using Gateway.Balancing;
using Gateway.UpstreamFeedback;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// One request's claim on one destination's slot, and the one place that frees it: exactly once, as soon as the
/// upstream's response headers arrive (<c>Gateway:LoadBalancing:ReleaseOn</c> <c>ResponseHeaders</c>, the default),
/// else when forwarding ends and the gate disposes the lease, however forwarding ended.
/// </summary>
internal sealed class DestinationLease : IDestinationLease, IDisposable
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

    /// <summary>
    /// The upstream answered while the slot is still held: its load report reaches the gate, and with
    /// <see cref="SlotRelease.ResponseHeaders"/> the slot is freed now, since the upstream's worker is done.
    /// </summary>
    public void OnResponseHeaders(in LoadReport report, TimeSpan? upstreamLocalQueue)
    {
        _gate.ReportLoad(this, report.InFlight, report.Limit, upstreamLocalQueue);
        if (_gate.ReleaseOn == SlotRelease.ResponseHeaders)
        {
            Release();
        }
    }

    /// <summary>Forwarding ended: frees the slot if the response headers have not already.</summary>
    public void Dispose() => Release();

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _gate.Release(this);
        }
    }
}
