using Yarp.ReverseProxy.Model;

namespace Gateway.UpstreamFeedback;

/// <summary>
/// A request's slot at its destination (the concurrency gate's lease), as the upstream's feedback sees it: it is told
/// what the upstream reported as soon as the response headers arrive. When the slot is freed is the lease's own
/// decision.
/// </summary>
internal interface IDestinationLease
{
    DestinationState Destination { get; }

    /// <summary>
    /// The upstream answered: its load report (empty when it sent none, which tells the gate this upstream will not
    /// teach it a limit) and the upstream-local queueing estimate, when there is one.
    /// </summary>
    void OnResponseHeaders(in LoadReport report, TimeSpan? upstreamLocalQueue);
}
