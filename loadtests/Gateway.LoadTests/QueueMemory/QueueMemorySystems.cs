namespace Gateway.LoadTests.QueueMemory;

/// <summary>The set-ups the <c>queue-memory</c> scenario holds requests in.</summary>
internal static class QueueMemorySystems
{
    /// <summary>The gateway with a limit of 1: every request but one waits in its queue.</summary>
    public const string GatewayQueued = "gateway-queued";

    /// <summary>The gateway without a limit: every request is in flight at the upstream.</summary>
    public const string GatewayInFlight = "gateway-inflight";

    /// <summary>Stock YARP: every request is in flight at the upstream.</summary>
    public const string StockYarp = "stock-yarp";
}
