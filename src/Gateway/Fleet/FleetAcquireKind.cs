namespace Gateway.Fleet;

/// <summary>What the fleet's shared gate did with one acquire.</summary>
internal enum FleetAcquireKind
{
    /// <summary>A slot at <see cref="FleetAcquireResult.Destination"/>, counted for the whole fleet.</summary>
    Granted,

    /// <summary>In the fleet's FIFO queue; the grant comes by pub/sub (or the next heartbeat).</summary>
    Queued,

    /// <summary>The fleet's queue is full.</summary>
    QueueFull,
}
