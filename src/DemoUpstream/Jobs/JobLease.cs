namespace DemoUpstream.Jobs;

/// <summary>A worker's hold on one attempt of a job, from <see cref="JobScheduler.TakeAsync"/> to <see cref="JobScheduler.CompleteAttempt"/>.</summary>
internal sealed record JobLease(Job Job, int Attempt);
