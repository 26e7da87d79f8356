namespace DemoUpstream.Jobs;

internal enum EnqueueOutcome
{
    Accepted,

    /// <summary><c>MaxQueued</c> jobs are already queued.</summary>
    QueueFull,

    /// <summary>Shutting down: new requests' jobs are refused (children of running jobs are still taken until the grace ends).</summary>
    ShuttingDown,
}
