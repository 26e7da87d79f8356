namespace Gateway.LoadBalancing;

/// <summary>The result of waiting at a <see cref="ClusterGate"/>: a lease, or why there is none.</summary>
internal readonly record struct GateResult(GateOutcome Outcome, DestinationLease? Lease, TimeSpan Waited);
