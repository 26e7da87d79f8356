namespace Gateway.Fleet;

/// <summary>What <see cref="RedisFleetStore"/> tells the metrics: each command it sends, and how long each call took.</summary>
internal interface IFleetStoreMetrics
{
    /// <summary>One command sent to Redis for <paramref name="operation"/> (a script call, or the EVAL after a NOSCRIPT).</summary>
    void RecordRoundTrip(string operation);

    /// <summary>A call that Redis answered, from the moment it was made, fallback included, to its answer.</summary>
    void RecordCall(string operation, TimeSpan elapsed);
}
