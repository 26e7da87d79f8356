namespace Gateway.Simulator.Engine;

/// <summary>
/// One request in flight through the simulation, kept in a struct array and addressed by id. Times are in
/// seconds of simulated time.
/// </summary>
internal struct RequestState
{
    /// <summary>When the request reached the balancer (or, for RandomDirect, set off to the upstream).</summary>
    public double Arrival;

    /// <summary>How long it holds a worker slot.</summary>
    public double Service;

    /// <summary>When the balancer sent it to its upstream.</summary>
    public double Dispatched;

    /// <summary>When it reached the upstream: <see cref="Dispatched"/> plus half the round trip.</summary>
    public double AtUpstream;

    /// <summary>When it took a worker slot.</summary>
    public double Started;

    /// <summary>When it gave the slot up: <see cref="Started"/> plus <see cref="Service"/>.</summary>
    public double Ended;

    /// <summary>When its response reaches the balancer replica: <see cref="Ended"/> plus half the round trip.</summary>
    public double AtReplica;

    /// <summary>The balancer replica it arrived at.</summary>
    public int Replica;

    /// <summary>The upstream it was sent to.</summary>
    public int Upstream;

    /// <summary>The upstream's in-flight count from all callers when the response left, this request included.</summary>
    public int ReportedInFlight;

    /// <summary>False during warm-up: the request runs but is not measured.</summary>
    public bool Measured;
}
