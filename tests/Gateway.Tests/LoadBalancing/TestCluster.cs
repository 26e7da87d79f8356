using Gateway.LoadBalancing;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests.LoadBalancing;

/// <summary>Builds YARP cluster and destination models, and gates over them on a fake clock.</summary>
internal sealed class TestCluster
{
    private static readonly HttpMessageInvoker Invoker = new(new SocketsHttpHandler());

    public TestCluster(int destinations, Dictionary<string, string>? clusterMetadata = null, int? destinationLimit = null)
    {
        Destinations = Enumerable.Range(1, destinations).Select(i => new DestinationState(
            $"d{i}",
            new DestinationModel(new DestinationConfig
            {
                Address = $"http://127.0.0.1:{9000 + i}/",
                Metadata = destinationLimit is { } limit
                    ? new Dictionary<string, string> { [GatewayMetadata.ConcurrencyLimit] = limit.ToString() }
                    : null,
            }))).ToArray();
        Model = new ClusterModel(new ClusterConfig { ClusterId = "c", Metadata = clusterMetadata }, Invoker);
    }

    public DestinationState[] Destinations { get; }

    public ClusterModel Model { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public GateOptions Options { get; } = new() { LoadBalancing = { Seed = 42 } };

    public ClusterGate CreateGate() => new("c", Time, () => Options);
}
