namespace DemoUpstream.Jobs;

/// <summary>What <see cref="JobScheduler.Enqueue"/> did; <see cref="Job"/> and <see cref="Backlog"/> are set when accepted.</summary>
internal sealed record EnqueueResult(EnqueueOutcome Outcome, JobSnapshot? Job = null, JobBacklog Backlog = default);
