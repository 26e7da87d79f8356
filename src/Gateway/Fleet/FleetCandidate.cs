namespace Gateway.Fleet;

/// <summary>
/// A destination a request may go to, with the concurrency limit this replica knows for it (<c>null</c> or 0: not
/// known here; the fleet's stored limit is used, and without one the destination is skipped).
/// </summary>
internal readonly record struct FleetCandidate(string Destination, int? Limit);
