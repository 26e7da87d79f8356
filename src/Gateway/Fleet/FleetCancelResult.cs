namespace Gateway.Fleet;

/// <summary>
/// The answer to a cancel. <see cref="WasQueued"/>: the ticket was still waiting and is gone now. Otherwise
/// <see cref="GrantedDestination"/> is the slot it had been granted (the grant may not have reached the caller yet),
/// which the caller releases; <c>null</c> when there is neither (dropped at its deadline, or never queued).
/// </summary>
internal sealed record FleetCancelResult(bool WasQueued, string? GrantedDestination);
