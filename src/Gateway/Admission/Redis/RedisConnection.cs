using Gateway.Configuration;
using StackExchange.Redis;

namespace Gateway.Admission.Redis;

/// <summary>
/// The connection to the shared buckets' redis-server, opened in the background at start-up so a Redis that is
/// down then never holds up or stops the gateway; StackExchange.Redis keeps reconnecting on its own.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly Task<ConnectionMultiplexer> _connecting;

    public RedisConnection(AdmissionRedisOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;

        // Short unless the connection string says otherwise: the admission step must not wait on a dead Redis,
        // and a restarted one should be found again within a second or so.
        var text = options.Configuration;
        if (!text.Contains("connectTimeout=", StringComparison.OrdinalIgnoreCase))
        {
            configuration.ConnectTimeout = 1000;
        }

        if (!text.Contains("syncTimeout=", StringComparison.OrdinalIgnoreCase))
        {
            configuration.SyncTimeout = 1000;
        }

        if (!text.Contains("responseTimeout=", StringComparison.OrdinalIgnoreCase))
        {
            configuration.ResponseTimeout = 1000;
        }

        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        _connecting = Task.Run(() => ConnectionMultiplexer.Connect(configuration));
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
