namespace Gateway.LoadTests.Failover;

/// <summary>Requests sent one after another right after the event, and how many of them failed.</summary>
internal sealed record SequentialResult(int Sent, int Failed);
