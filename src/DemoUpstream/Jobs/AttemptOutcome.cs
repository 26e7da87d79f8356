namespace DemoUpstream.Jobs;

/// <summary>How one execution attempt ended.</summary>
internal enum AttemptOutcome
{
    Succeeded,

    /// <summary>Failed; retried with backoff until <c>MaxAttempts</c>.</summary>
    Failed,

    /// <summary>Failed for good; never retried.</summary>
    FailedPermanently,

    /// <summary>Stopped by shutdown.</summary>
    Cancelled,
}
