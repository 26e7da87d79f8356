namespace Gateway.Admission.Redis;

/// <summary>The <c>kind</c> of <c>gateway_admission_redis_errors_total</c>.</summary>
internal static class RedisErrorKinds
{
    /// <summary>No answer within <c>Gateway:Admission:Redis:Timeout</c>.</summary>
    public const string Timeout = "timeout";

    /// <summary>Not connected, or the connection failed under the call.</summary>
    public const string Connection = "connection";

    /// <summary>Redis answered with an error (e.g. out of memory, a read-only replica).</summary>
    public const string Server = "server";

    /// <summary>Not sent: the circuit is open after recent failures.</summary>
    public const string CircuitOpen = "circuit_open";

    public static IReadOnlyList<string> All { get; } = [Timeout, Connection, Server, CircuitOpen];

    public static int IndexOf(string kind) => kind switch
    {
        Timeout => 0,
        Connection => 1,
        Server => 2,
        _ => 3,
    };
}
