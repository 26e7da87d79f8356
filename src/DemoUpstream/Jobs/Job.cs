using System.Diagnostics;
using System.Security.Cryptography;

namespace DemoUpstream.Jobs;

/// <summary>
/// One job. The init-only properties never change and may be read anywhere; the rest is state that only
/// <see cref="JobScheduler"/> reads and writes, under its lock.
/// </summary>
internal sealed class Job
{
    public required string Id { get; init; }

    public required string Tenant { get; init; }

    public required string Queue { get; init; }

    public required JobSpec Spec { get; init; }

    public required JobOrigin Origin { get; init; }

    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>The qdelay applied: how long after enqueueing the job first became visible.</summary>
    public required TimeSpan QDelay { get; init; }

    public int Depth { get; init; }

    public string? ParentId { get; init; }

    public JobStatus Status { get; set; }

    public string? Reason { get; set; }

    /// <summary>When the job may next be started: after the qdelay at first, after the backoff on a retry.</summary>
    public DateTimeOffset VisibleAt { get; set; }

    /// <summary>Breaks ties between jobs visible at the same instant: FIFO.</summary>
    public long Sequence { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? FirstAttemptAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The last execution span; default before the first attempt.</summary>
    public ActivityContext Execution { get; set; }

    /// <summary>The last execution span's parent span id.</summary>
    public ActivitySpanId ExecutionParentSpanId { get; set; }

    public List<string>? Children { get; set; }

    /// <summary>Created by the first long-poll; completed when the job finishes.</summary>
    public TaskCompletionSource<JobSnapshot>? Finished { get; set; }

    /// <summary>128 random bits in hex: unguessable, so the id doubles as the job token that lets a client poll.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
