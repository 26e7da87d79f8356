namespace DemoUpstream.Jobs;

/// <summary>Why a job failed or was dead-lettered: the <c>reason</c> field.</summary>
internal static class JobReasons
{
    /// <summary>The job asked to fail for good (<c>"fail": "permanent"</c>).</summary>
    public const string Permanent = "permanent";

    /// <summary>Every one of <c>MaxAttempts</c> attempts failed.</summary>
    public const string Attempts = "attempts";

    /// <summary>Not started within <c>Ttl</c> of becoming visible.</summary>
    public const string Ttl = "ttl";

    /// <summary>Not finished when the shutdown grace ran out.</summary>
    public const string Shutdown = "shutdown";
}
