using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>
/// Each replica is an HAProxy with <c>balance leastconn</c> and <c>maxconn c</c> on every server: the server with the
/// fewest of this replica's connections among those below maxconn; when all are at maxconn the request waits in
/// this replica's backend queue (FIFO, pooled over all servers), and a server that frees a connection takes the
/// oldest queued request. No load reports, so with K replicas an upstream can get up to K·c.
/// </summary>
/// <remarks>
/// HAProxy re-inserts a server into its leastconn tree whenever its count changes, and among equal counts the tree
/// returns the one inserted first, so ties go to the server whose count changed longest ago.
/// </remarks>
internal sealed class HAProxyLeastConnBalancer : IBalancer
{
    private readonly Simulation _simulation;
    private readonly int _upstreams;
    private readonly int _maxConn;
    private readonly int[] _connections;
    private readonly long[] _repositioned;
    private readonly IntQueue[] _queues;
    private long _clock;

    public HAProxyLeastConnBalancer(Simulation simulation)
    {
        _simulation = simulation;
        _upstreams = simulation.Upstreams;
        _maxConn = simulation.Slots;
        _connections = new int[simulation.Replicas * _upstreams];
        _repositioned = new long[_connections.Length];
        for (var i = 0; i < _repositioned.Length; i++)
        {
            // Configuration order first.
            _repositioned[i] = (i % _upstreams) - _upstreams;
        }

        _queues = new IntQueue[simulation.Replicas];
        for (var i = 0; i < _queues.Length; i++)
        {
            _queues[i] = new IntQueue();
        }
    }

    public void OnArrival(int id)
    {
        var replica = _simulation.Request(id).Replica;
        var queue = _queues[replica];

        // A non-empty backend queue means every server is at maxconn: a freed connection always takes the queue's head.
        if (queue.Count == 0 && Pick(replica) is var server and >= 0)
        {
            Take(replica, server, id);
            return;
        }

        queue.Enqueue(id);
    }

    public void OnResponse(int id)
    {
        ref var request = ref _simulation.Request(id);
        var replica = request.Replica;
        var server = request.Upstream;
        var index = (replica * _upstreams) + server;
        _connections[index]--;
        _repositioned[index] = ++_clock;
        var queue = _queues[replica];
        if (queue.Count > 0)
        {
            Take(replica, server, queue.Dequeue());
        }
    }

    public void OnTimer(int replica, int generation)
    {
    }

    private int Pick(int replica)
    {
        var offset = replica * _upstreams;
        var connections = _connections.AsSpan(offset, _upstreams);
        var least = LeastScan.Min(connections);
        if (least >= _maxConn)
        {
            return -1;
        }

        // Among the least loaded, the one repositioned longest ago; selects rather than branches, as the ties are
        // unpredictable.
        var repositioned = _repositioned.AsSpan(offset, _upstreams);
        var best = -1;
        var bestRepositioned = long.MaxValue;
        for (var i = 0; i < connections.Length; i++)
        {
            var better = (connections[i] == least) & (repositioned[i] < bestRepositioned);
            best = better ? i : best;
            bestRepositioned = better ? repositioned[i] : bestRepositioned;
        }

        return best;
    }

    private void Take(int replica, int server, int id)
    {
        var index = (replica * _upstreams) + server;
        _connections[index]++;
        _repositioned[index] = ++_clock;
        _simulation.Dispatch(id, server);
    }
}
