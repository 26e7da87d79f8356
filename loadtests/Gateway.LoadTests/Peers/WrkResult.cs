namespace Gateway.LoadTests.Peers;

/// <summary>One wrk run: throughput, latency percentiles in ms (from send, closed loop), and failures.</summary>
internal sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, int Non2xx, int SocketErrors);
