using StackExchange.Redis;
using StackExchange.Redis.Configuration;

namespace Gateway.Redis;

/// <summary>
/// StackExchange.Redis defaults for the gateway's connections; a value the connection string sets (e.g.
/// <c>connectTimeout=</c>, <c>syncTimeout=</c>, <c>asyncTimeout=</c>) still wins. Short, because every caller has a
/// local fallback: a request must not wait seconds on a dead Redis, and a restarted one should be found again within
/// a second or so. <c>asyncTimeout</c> follows <c>syncTimeout</c> unless set, so both are 1 s here. A command issued
/// while the connection is down fails at once (<see cref="BacklogPolicy.FailFast"/>) instead of waiting in the
/// library's backlog for a reconnect: the caller's fallback answers sooner than any reconnect would.
/// </summary>
internal sealed class GatewayRedisDefaults : DefaultOptionsProvider
{
    private static readonly IReconnectRetryPolicy Retry = new LinearRetry(500);

    private GatewayRedisDefaults()
    {
    }

    public static GatewayRedisDefaults Instance { get; } = new();

    public override bool AbortOnConnectFail => false;

    public override BacklogPolicy BacklogPolicy => BacklogPolicy.FailFast;

    public override TimeSpan? ConnectTimeout => TimeSpan.FromSeconds(1);

    public override TimeSpan SyncTimeout => TimeSpan.FromSeconds(1);

    public override IReconnectRetryPolicy? ReconnectRetryPolicy => Retry;
}
