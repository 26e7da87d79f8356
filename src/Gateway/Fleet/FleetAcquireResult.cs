namespace Gateway.Fleet;

/// <summary>
/// What <see cref="RedisFleetStore.AcquireAsync"/> answered: the destination when <see cref="FleetAcquireKind.Granted"/>;
/// the ticket's place in the fleet's queue (1 is next) when <see cref="FleetAcquireKind.Queued"/>; the queue's length
/// when <see cref="FleetAcquireKind.QueueFull"/> (nothing was stored then).
/// </summary>
internal sealed record FleetAcquireResult(FleetAcquireKind Kind, string? Destination, long Position);
