namespace Gateway.LoadBalancing;

/// <summary>When a request stops counting against its destination's concurrency limit.</summary>
public enum SlotRelease
{
    /// <summary>When the upstream's response headers arrive.</summary>
    ResponseHeaders,

    /// <summary>When forwarding ends: the whole response relayed, or the request failed.</summary>
    ResponseEnd,
}
