namespace Gateway.Fleet;

/// <summary>
/// The answer to a release: whether the lease was still there (false when it had expired and been swept, or was
/// released before), and how many waiting tickets the call granted slots to.
/// </summary>
internal sealed record FleetReleaseResult(bool Removed, int Grants);
