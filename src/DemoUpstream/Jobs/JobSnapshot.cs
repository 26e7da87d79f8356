using System.Diagnostics;

namespace DemoUpstream.Jobs;

/// <summary>A job's state at one instant, taken under the scheduler's lock: what GET, the journal and metrics see.</summary>
internal sealed record JobSnapshot
{
    public required string Id { get; init; }

    public required JobStatus Status { get; init; }

    public string? Reason { get; init; }

    public required string Tenant { get; init; }

    public required string Queue { get; init; }

    public int Attempts { get; init; }

    public required DateTimeOffset EnqueuedAt { get; init; }

    public required DateTimeOffset VisibleAt { get; init; }

    public DateTimeOffset? FirstAttemptAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public TimeSpan QDelay { get; init; }

    public string? ParentId { get; init; }

    public IReadOnlyList<string> Children { get; init; } = [];

    /// <summary>The trace the job runs in: its origin's, or its execution's when it had no origin.</summary>
    public ActivityTraceId TraceId { get; init; }

    /// <summary>The last execution span; default before the first attempt.</summary>
    public ActivitySpanId SpanId { get; init; }

    /// <summary>The last execution span's parent; default before the first attempt.</summary>
    public ActivitySpanId ParentSpanId { get; init; }

    /// <summary>The span that enqueued the job; default when there was none.</summary>
    public ActivitySpanId EnqueuedBySpanId { get; init; }

    public ActivitySpanId EnqueuedByParentSpanId { get; init; }

    public static JobSnapshot Of(Job job) => new()
    {
        Id = job.Id,
        Status = job.Status,
        Reason = job.Reason,
        Tenant = job.Tenant,
        Queue = job.Queue,
        Attempts = job.Attempts,
        EnqueuedAt = job.EnqueuedAt,
        VisibleAt = job.VisibleAt,
        FirstAttemptAt = job.FirstAttemptAt,
        FinishedAt = job.FinishedAt,
        QDelay = job.QDelay,
        ParentId = job.ParentId,
        Children = job.Children is { } children ? [.. children] : [],
        TraceId = job.Execution != default ? job.Execution.TraceId : job.Origin.Context.TraceId,
        SpanId = job.Execution.SpanId,
        ParentSpanId = job.ExecutionParentSpanId,
        EnqueuedBySpanId = job.Origin.Context.SpanId,
        EnqueuedByParentSpanId = job.Origin.ParentSpanId,
    };
}
