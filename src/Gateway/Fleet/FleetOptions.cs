namespace Gateway.Fleet;

/// <summary>
/// The <c>Gateway:Fleet</c> section: several gateway replicas acting as one pooled queue in front of each
/// <c>ConcurrencyAware</c> cluster. With <see cref="Redis"/> set, every replica picks a destination and counts the
/// request in one atomic step on a shared redis-server, and a slot freed anywhere goes to the oldest request waiting at
/// any replica. Empty (the default) keeps each replica's gate in its own memory. Read at start-up.
/// </summary>
public sealed class FleetOptions
{
    public const string SectionName = "Gateway:Fleet";

    /// <summary>A StackExchange.Redis connection string, e.g. <c>127.0.0.1:6379</c>. Default empty: fleet mode off.</summary>
    public string Redis { get; set; } = "";

    /// <summary>This replica's name in the fleet; unique per running process. Default empty: host name, process id and a random suffix.</summary>
    public string ReplicaId { get; set; } = "";

    /// <summary>
    /// How long a slot or a queue place outlives the replica that holds it: a replica that dies leaks nothing for
    /// longer than this. Live replicas renew theirs every <see cref="HeartbeatInterval"/>. Default 10 s.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a replica renews its leases and says it is alive. At most a third of <see cref="LeaseTime"/>. Default 1 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest wait for one Redis call. A call that fails or takes longer switches the replica to local mode (its own
    /// gate, as without fleet mode) until a heartbeat succeeds again. Default 250 ms.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Slots this replica may hold per cluster for its next requests, so they take one without a Redis trip. It keeps
    /// them from finished requests, and tops them up in the background, only while no request waits in the fleet; a
    /// request that has to wait gets them back from the replicas holding them. Counts stay exact: a reserved slot is
    /// counted as in use. 0 sends every request to Redis. Default 2.
    /// </summary>
    public int Reserve { get; set; } = 2;

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);
}
