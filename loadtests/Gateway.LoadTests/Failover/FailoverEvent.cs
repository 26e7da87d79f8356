namespace Gateway.LoadTests.Failover;

/// <summary>What happens to one upstream in the middle of a <c>failover</c> run.</summary>
internal enum FailoverEvent
{
    /// <summary>SIGKILL upstream 1 (connections reset, new ones refused); started again on the same port later.</summary>
    Kill,

    /// <summary>SIGSTOP upstream 2: connections still open, nothing answers (a hung process); SIGCONT later.</summary>
    Stop,

    /// <summary>SIGTERM upstream 3 (a clean shutdown, as in a deploy) and start it again on the same port at once.</summary>
    Restart,
}
