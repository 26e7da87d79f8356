namespace Gateway.Fleet;

/// <summary>
/// The answer to a heartbeat: the replicas alive in the cluster's fleet (this one included), and this replica's grants
/// not acknowledged yet whose lease still exists, so a lost pub/sub message costs at most one heartbeat interval.
/// </summary>
internal sealed record FleetHeartbeatResult(int LiveReplicas, IReadOnlyList<FleetGrant> Unacknowledged);
