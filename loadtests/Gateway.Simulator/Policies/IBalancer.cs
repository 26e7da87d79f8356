namespace Gateway.Simulator.Policies;

/// <summary>
/// A policy's state across all balancer replicas. It sends requests on with <c>Simulation.Dispatch</c>, at once or
/// later from a replica's queue.
/// </summary>
internal interface IBalancer
{
    /// <summary>Request <paramref name="id"/> has arrived at its replica.</summary>
    void OnArrival(int id);

    /// <summary>Request <paramref name="id"/>'s response has reached its replica: its slot is released.</summary>
    void OnResponse(int id);

    /// <summary>A timer set with <c>Simulation.ScheduleTimer</c> is due; <paramref name="key"/> and <paramref name="tag"/> are as set.</summary>
    void OnTimer(int key, int tag);
}
