using Gateway.LoadBalancing;

namespace Gateway.Tests.Integration;

/// <summary>
/// An in-process gateway whose catch-all route (cluster <c>test</c>) goes to a <see cref="HeaderEchoUpstream"/>, so a
/// test sees exactly what an upstream receives. <c>configure</c> adds to the gateway's configuration.
/// </summary>
internal sealed class EchoGateway : IAsyncDisposable
{
    private readonly GatewayConfigFile _config;

    private EchoGateway(HeaderEchoUpstream upstream, GatewayConfigFile config, InProcessServer gateway)
    {
        Upstream = upstream;
        _config = config;
        Gateway = gateway;
    }

    public HeaderEchoUpstream Upstream { get; }

    public InProcessServer Gateway { get; }

    public Uri BaseAddress => Gateway.BaseAddress;

    public static async Task<EchoGateway> StartAsync(Action<GatewayConfigFile, Uri>? configure = null)
    {
        var upstream = await HeaderEchoUpstream.StartAsync();
        var config = new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, [upstream.Address]);
        configure?.Invoke(config, upstream.Address);
        return new EchoGateway(upstream, config, await InProcessGateway.StartAsync(config.Write()));
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
        _config.Dispose(); // Only now: the gateway reloads when its file changes or goes.
    }
}
