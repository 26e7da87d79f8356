namespace Gateway.LoadTests.Failover;

/// <summary>When things happened in one run, from its start.</summary>
/// <param name="EventAt">The signal (SIGKILL, SIGSTOP or SIGTERM) was sent.</param>
/// <param name="RecoverAt">The upstream was started again, or SIGCONT was sent.</param>
/// <param name="ListeningAt">A started-again upstream listened again; null after SIGCONT.</param>
internal sealed record FailoverTimeline(TimeSpan EventAt, TimeSpan RecoverAt, TimeSpan? ListeningAt);
