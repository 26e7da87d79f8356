namespace Gateway.LoadTests.Peers;

/// <summary>One wrk run: throughput and failures. (Closed-loop latency is not reported: it hides queueing.)</summary>
internal sealed record WrkResult(double RequestsPerSecond, int Non2xx, int SocketErrors);
