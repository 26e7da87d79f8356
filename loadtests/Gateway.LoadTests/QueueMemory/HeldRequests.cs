using System.Net.Sockets;
using System.Text;

namespace Gateway.LoadTests.QueueMemory;

/// <summary>
/// Client connections that each send one GET and then wait without reading, so the request stays held wherever the
/// proxy keeps it. Raw sockets: the client's own cost stays out of the way. Disposing closes them all (the proxy sees
/// the clients go away).
/// </summary>
internal sealed class HeldRequests : IDisposable
{
    private const int ConnectsAtOnce = 64;
    private readonly Uri _target;
    private readonly byte[] _request;
    private readonly List<Socket> _sockets = [];

    public HeldRequests(Uri target, string pathAndQuery)
    {
        _target = target;
        _request = Encoding.ASCII.GetBytes($"GET {pathAndQuery} HTTP/1.1\r\nHost: {target.Authority}\r\n\r\n");
    }

    public int Count => _sockets.Count;

    /// <summary>Opens connections until <paramref name="total"/> requests are sent.</summary>
    public async Task GrowToAsync(int total, CancellationToken cancellationToken)
    {
        var opened = new Socket?[Math.Max(0, total - _sockets.Count)];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConnectsAtOnce, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForAsync(0, opened.Length, parallel, async (i, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                opened[i] = socket;
                await socket.ConnectAsync(_target.Host, _target.Port, ct);
                await socket.SendAsync(_request, SocketFlags.None, ct);
            });
        }
        finally
        {
            // Those opened before a failure are closed with the rest on dispose.
            _sockets.AddRange(opened.OfType<Socket>());
        }
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _sockets.Clear();
    }
}
