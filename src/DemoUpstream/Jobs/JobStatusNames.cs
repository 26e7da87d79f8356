namespace DemoUpstream.Jobs;

/// <summary>The wire names of <see cref="JobStatus"/> values, as <c>GET /jobs/{id}</c>, the journal and metrics spell them.</summary>
internal static class JobStatusNames
{
    public static string ToWire(this JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Running => "running",
        JobStatus.Succeeded => "succeeded",
        JobStatus.Failed => "failed",
        JobStatus.DeadLettered => "dead-lettered",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool IsTerminal(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.DeadLettered;
}
