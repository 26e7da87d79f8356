namespace Gateway.Simulator.Engine;

/// <summary>
/// An entry of the <see cref="EventHeap"/>: a service end (<see cref="Target"/> is the request id, ≥ 0) or a
/// balancer replica's retry timer (<see cref="Target"/> is <c>~replica</c>, &lt; 0, and <see cref="Generation"/>
/// tells a current timer from one that was re-armed since).
/// </summary>
internal readonly record struct ScheduledEvent(double Time, int Target, int Generation);
