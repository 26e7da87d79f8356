namespace DemoUpstream.Jobs;

/// <summary>
/// What changed under <see cref="JobScheduler"/>'s lock and must be announced after it is released: jobs handed to
/// workers, jobs finished, first attempts started, and the queue becoming idle. Completing tasks, journal writes and
/// metric callbacks then never run while the lock is held.
/// </summary>
internal sealed class JobTransitions
{
    public List<(TaskCompletionSource<JobLease?> Worker, JobLease? Lease)>? Handoffs { get; private set; }

    public List<(JobSnapshot Job, TaskCompletionSource<JobSnapshot>? Waiters)>? Finished { get; private set; }

    public List<(string Queue, TimeSpan Age)>? FirstAttempts { get; private set; }

    public TaskCompletionSource? Idle { get; set; }

    public void Handoff(TaskCompletionSource<JobLease?> worker, JobLease? lease) => (Handoffs ??= []).Add((worker, lease));

    public void Finish(JobSnapshot job, TaskCompletionSource<JobSnapshot>? waiters) => (Finished ??= []).Add((job, waiters));

    public void FirstAttempt(string queue, TimeSpan age) => (FirstAttempts ??= []).Add((queue, age));
}
