namespace Gateway.Fleet;

/// <summary>
/// A slot given to a waiting ticket: the cluster, the ticket (which is now also the lease id) and the destination.
/// It comes by pub/sub, and again from <see cref="RedisFleetStore.HeartbeatAsync"/> until acknowledged, so the same
/// grant can arrive twice, and even before <see cref="RedisFleetStore.AcquireAsync"/> has returned
/// <see cref="FleetAcquireKind.Queued"/>. A grant for a ticket the caller no longer waits on (it gave up, or its
/// acquire timed out after Redis had queued it) must be released, or its slot is lost until the lease expires.
/// </summary>
internal sealed record FleetGrant(string Cluster, string TicketId, string Destination);
