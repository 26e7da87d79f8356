namespace Gateway.Fleet;

/// <summary>A request holding a slot at <see cref="Destination"/>: its lease id (the same string as its ticket id).</summary>
internal readonly record struct FleetLease(string Destination, string LeaseId);
