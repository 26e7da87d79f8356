namespace DemoUpstream.Jobs;

/// <summary>A job to enqueue: a request's, or a child a running job causes.</summary>
internal sealed record JobSubmission(string Tenant, string Queue, JobSpec Spec, JobOrigin Origin)
{
    /// <summary>0 for a request's job; a child is one deeper than its parent.</summary>
    public int Depth { get; init; }

    /// <summary>The job that enqueued this one, for children.</summary>
    public string? ParentId { get; init; }
}
