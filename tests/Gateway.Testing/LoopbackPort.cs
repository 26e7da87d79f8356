using System.Net;
using System.Net.Sockets;

namespace Gateway.Testing;

/// <summary>Loopback ports for tests that need one nothing listens on (or that a process will bind next).</summary>
public static class LoopbackPort
{
    /// <summary>A port the OS just handed out and released: free now, though another process could take it.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>An address where nothing listens, so connecting is refused.</summary>
    public static Uri Refusing() => new($"http://127.0.0.1:{Free()}/");
}
