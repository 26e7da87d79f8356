using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.LoadGen;

namespace Gateway.LoadTests.Fleet;

/// <summary>
/// Times PING round trips to the fleet's redis-server while a level runs. Every fleet-mode acquire, release and grant
/// pays a loopback trip like it, on the same busy cores, so its size says how much of fleet mode's queueing is the store.
/// </summary>
internal static class RedisPing
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private static readonly byte[] Ping = Encoding.ASCII.GetBytes("PING\r\n");

    /// <summary>One PING every <see cref="Interval"/> until <paramref name="stop"/>; the round trips in ms.</summary>
    public static async Task<LatencySummary> RunAsync(int port, TimeProvider time, CancellationToken stop)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port, stop);
        var stream = client.GetStream();
        var reply = new byte[64];
        var roundTrips = new List<double>();
        try
        {
            while (true)
            {
                await Task.Delay(Interval, time, stop);
                var sent = time.GetTimestamp();
                await stream.WriteAsync(Ping, stop);

                // "+PONG\r\n" is 7 bytes; it may come in pieces.
                for (var read = 0; read < 7;)
                {
                    var n = await stream.ReadAsync(reply.AsMemory(read), stop);
                    read += n > 0 ? n : throw new InvalidOperationException("redis-server closed the connection");
                }

                roundTrips.Add(time.GetElapsedTime(sent).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return LatencySummary.Of(roundTrips);
        }
    }
}
