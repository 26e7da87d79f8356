using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gateway.Configuration;

/// <summary>
/// The <c>Gateway</c> section as last validated. Configuration reloads while the gateway runs; an edit that fails
/// validation is logged, naming the key, and ignored, so a typo in a live file never fails requests. (A plain
/// <see cref="IOptionsMonitor{TOptions}"/> would rethrow the validation error on every request instead.)
/// </summary>
internal sealed partial class LiveGatewayOptions : IDisposable
{
    private readonly IOptionsFactory<GatewayOptions> _factory;
    private readonly ILogger _logger;
    private readonly IConfiguration _configuration;
    private readonly List<IDisposable> _subscriptions = [];
    private GatewayOptions _current;
    private CancellationTokenSource _changed = new();

    public LiveGatewayOptions(
        IOptionsFactory<GatewayOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<GatewayOptions>> sources,
        IConfiguration configuration,
        ILogger<LiveGatewayOptions> logger)
    {
        _factory = factory;
        _configuration = configuration;
        _logger = logger;

        // At start-up a bad value throws, which stops the gateway naming the key.
        _current = factory.Create(Options.DefaultName);
        foreach (var source in sources)
        {
            _subscriptions.Add(ChangeToken.OnChange(source.GetChangeToken, Reload));
        }
    }

    public GatewayOptions Current => Volatile.Read(ref _current);

    /// <summary>Fires once, when the next valid edit has replaced <see cref="Current"/>.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _changed.Dispose();
    }

    private void Reload()
    {
        GatewayOptions reloaded;
        try
        {
            reloaded = _factory.Create(Options.DefaultName);
        }
        catch (Exception ex) when (StartupErrors.TryDescribe(ex, _configuration, out var message))
        {
            LogRejected(_logger, message);
            return;
        }

        Volatile.Write(ref _current, reloaded);
        LogReloaded(_logger);
        using var changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        changed.Cancel();
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Gateway configuration reloaded.")]
    private static partial void LogReloaded(ILogger logger);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Gateway configuration change ignored, keeping the last valid values: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem);
}
