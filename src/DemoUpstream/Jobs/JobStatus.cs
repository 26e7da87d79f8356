namespace DemoUpstream.Jobs;

/// <summary>Where a job is in its life; the last three are terminal.</summary>
internal enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    DeadLettered,
}
