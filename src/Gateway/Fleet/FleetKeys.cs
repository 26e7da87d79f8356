using StackExchange.Redis;

namespace Gateway.Fleet;

/// <summary>
/// One cluster's keys. All share the hash tag <c>{gw:&lt;clusterId&gt;}</c>, so they live in one Redis Cluster slot
/// and a script may touch them all in one atomic step.
/// </summary>
internal sealed class FleetKeys
{
    public FleetKeys(string cluster)
    {
        var tag = "{gw:" + cluster + "}:";
        GrantedPrefix = tag + "granted:";
        All =
        [
            tag + "limits",
            tag + "total",
            tag + "leases",
            tag + "queue",
            tag + "seq",
            tag + "tickets",
            tag + "replicas",
            tag + "reserved",
            tag + "limitsum",
        ];
    }

    /// <summary>Prefix of each replica's <c>granted:&lt;replicaId&gt;</c> hash.</summary>
    public string GrantedPrefix { get; }

    /// <summary>The scripts' <c>KEYS</c>: limits, total, leases, queue, seq, tickets, replicas, reserved, limitsum.</summary>
    public RedisKey[] All { get; }
}
