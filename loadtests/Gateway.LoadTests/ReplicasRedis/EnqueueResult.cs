namespace Gateway.LoadTests.ReplicasRedis;

/// <summary>One enqueue: which replica, when it was sent (since the run began), how long it took, and its status.</summary>
internal sealed record EnqueueResult(int Replica, TimeSpan SentAt, TimeSpan Latency, int Status);
