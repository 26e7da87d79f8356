namespace Gateway.Fleet;

/// <summary>How one replica uses the fleet's store. Immutable; the defaults suit a heartbeat every second.</summary>
internal sealed record FleetStoreSettings
{
    /// <summary>This replica's id in the fleet; unique per running process, without <c>|</c>.</summary>
    public required string ReplicaId { get; init; }

    /// <summary>
    /// How long a lease lives without renewal. A live replica renews its leases at every heartbeat; a dead one's slots
    /// come back after this. Default 10 s.
    /// </summary>
    public TimeSpan LeaseTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a replica counts as alive after its last heartbeat or acquire; its queued tickets are dropped after
    /// that. A few heartbeat intervals. Default 3 s.
    /// </summary>
    public TimeSpan AliveTime { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Longest wait for one call before it fails with <see cref="FleetStoreException"/>. Default 250 ms.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(250);
}
