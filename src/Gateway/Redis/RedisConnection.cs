using StackExchange.Redis;

namespace Gateway.Redis;

/// <summary>
/// A connection to a redis-server (the shared tenant buckets'), opened in the background at start-up so a Redis that is
/// down then never holds up or stops the gateway; StackExchange.Redis keeps reconnecting on its own.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly Task<ConnectionMultiplexer> _connecting;

    public RedisConnection(string configuration) => _connecting = ConnectionMultiplexer.ConnectAsync(Options(configuration));

    /// <summary>
    /// Parses a connection string with the gateway's defaults (<see cref="GatewayRedisDefaults"/>: 1 s timeouts, a
    /// reconnect every 0.5 s) under whatever it sets itself. The first connection attempt never fails the connect:
    /// a Redis that is down is retried in the background, whatever <c>abortConnect</c> says.
    /// </summary>
    public static ConfigurationOptions Options(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.Defaults = GatewayRedisDefaults.Instance;
        options.AbortOnConnectFail = false;
        return options;
    }

    /// <summary>The database, once the first connection attempt has ended (connected or not; it keeps trying).</summary>
    public async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken) => (await _connecting.WaitAsync(cancellationToken)).GetDatabase();

    public void Dispose()
    {
        if (_connecting.IsCompletedSuccessfully)
        {
            _connecting.Result.Dispose();
        }
        else
        {
            _ = _connecting.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
        }
    }
}
