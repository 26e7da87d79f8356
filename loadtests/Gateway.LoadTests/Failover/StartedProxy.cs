namespace Gateway.LoadTests.Failover;

/// <summary>A proxy process of one run, with the config file it was started from; disposing stops it (by PID) and deletes the file.</summary>
internal sealed class StartedProxy : IAsyncDisposable
{
    private readonly IAsyncDisposable _process;
    private readonly IDisposable? _config;

    public StartedProxy(FailoverProxy kind, Uri baseAddress, IAsyncDisposable process, IDisposable? config)
    {
        Kind = kind;
        BaseAddress = baseAddress;
        _process = process;
        _config = config;
    }

    public FailoverProxy Kind { get; }

    public Uri BaseAddress { get; }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _config?.Dispose();
    }
}
