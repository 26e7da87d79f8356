using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Gateway.Tracing;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Forwarding;

/// <summary>
/// YARP's client factory with new upstream connections counted and timed per destination. Cold-start
/// tails live here: TCP and TLS setup, and upstreams that close kept-alive connections every N requests.
/// The connect callback opens the socket as SocketsHttpHandler does by default (TCP, no Nagle).
/// </summary>
internal sealed class MeteredForwarderHttpClientFactory(
    ILogger<ForwarderHttpClientFactory> logger, ConnectionMetrics metrics, TimeProvider time, IOptionsMonitor<UpstreamOptions> options,
    IServiceProvider services)
    : ForwarderHttpClientFactory(logger)
{
    // Resolved on the first new connection: YARP's config manager builds its clients with this factory, so taking the
    // proxy state in the constructor would be a cycle.
    private IProxyStateLookup? _proxyState;

    // Connect start per connection attempt, keyed by the request that caused it, until the connection is
    // ready for HTTP (after TLS, where the plaintext filter runs).
    private readonly ConditionalWeakTable<HttpRequestMessage, StrongBox<long>> _connecting = [];

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ActivityHeadersPropagator = GatewayPropagator.Create();
        var cluster = context.ClusterId;
        handler.ConnectCallback = (connection, ct) => ConnectAsync(cluster, connection, ct);
        handler.PlaintextStreamFilter = (connection, _) =>
        {
            if (_connecting.TryGetValue(connection.InitialRequestMessage, out var started))
            {
                _connecting.Remove(connection.InitialRequestMessage);
                metrics.RecordConnectionOpened(cluster, DestinationOf(cluster, connection.InitialRequestMessage), time.GetElapsedTime(started.Value));
            }

            return ValueTask.FromResult(connection.PlaintextStream);
        };
    }

    private async ValueTask<Stream> ConnectAsync(string cluster, SocketsHttpConnectionContext connection, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.CurrentValue.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(connection.DnsEndPoint, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Our connect timeout, not the request's cancellation: a connection failure like any other, which
            // HttpClient reports as a connection error, so the gate may retry the request elsewhere.
            socket.Dispose();
            metrics.RecordConnectError(cluster, DestinationOf(cluster, connection.InitialRequestMessage));
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            if (ex is SocketException or IOException)
            {
                metrics.RecordConnectError(cluster, DestinationOf(cluster, connection.InitialRequestMessage)); // Not a cancellation.
            }

            throw;
        }

        _connecting.AddOrUpdate(connection.InitialRequestMessage, new StrongBox<long>(started));
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>
    /// The destination of the cluster whose address the request is for. Only new connections ask, so a scan of the
    /// cluster's destinations costs nothing per request, where tagging every request would.
    /// </summary>
    private string DestinationOf(string clusterId, HttpRequestMessage request)
    {
        _proxyState ??= services.GetRequiredService<IProxyStateLookup>();
        if (request.RequestUri is { } uri && _proxyState.TryGetCluster(clusterId, out var cluster))
        {
            foreach (var destination in cluster.Destinations.Values)
            {
                if (Uri.TryCreate(destination.Model.Config.Address, UriKind.Absolute, out var address)
                    && Uri.Compare(address, uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return destination.DestinationId;
                }
            }
        }

        return "unknown";
    }
}
