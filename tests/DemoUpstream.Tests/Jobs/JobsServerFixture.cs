namespace DemoUpstream.Tests.Jobs;

/// <summary>One server shared by the contract tests that do not depend on each other's jobs.</summary>
public sealed class JobsServerFixture : IAsyncLifetime
{
    private InProcessServer? _server;

    internal InProcessServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await JobsServer.StartAsync(new Dictionary<string, string?> { ["DemoUpstream:Jobs:MaxChildren"] = "10" });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
