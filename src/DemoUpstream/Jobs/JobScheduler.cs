using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Jobs;

/// <summary>
/// The in-memory queues and every job's state. One queue per priority class, each ordered by visible_at; a worker
/// gets the highest-priority visible job (strict priority, FIFO by visible_at within a class). Idle workers wait
/// on a task handed a job as soon as one is visible: an enqueue, a retry or the one timer set for the next
/// visible_at (or TTL expiry) wakes them, so nothing polls. All state is guarded by one lock; tasks are completed,
/// journal lines written and metrics recorded only after it is released.
/// </summary>
internal sealed class JobScheduler : IDisposable
{
    private readonly Lock _sync = new();
    private readonly JobsOptions _options;
    private readonly string _serviceName;
    private readonly TimeProvider _time;
    private readonly JitterSource _random;
    private readonly JobMetrics _metrics;
    private readonly JobJournal _journal;
    private readonly JobQueue[] _queues;
    private readonly Dictionary<string, JobQueue> _queuesByName;
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly Queue<Job> _retained = new();
    private readonly LinkedList<TaskCompletionSource<JobLease?>> _idleWorkers = new();
    private readonly ITimer _timer;
    private DateTimeOffset? _timerDue;
    private long _sequence;
    private int _queued;
    private int _unfinished;
    private bool _shuttingDown;
    private bool _closed;
    private TaskCompletionSource? _idle;

    public JobScheduler(
        IOptions<JobsOptions> options, IOptions<DemoUpstreamOptions> demoOptions, TimeProvider time, JitterSource random, JobMetrics metrics, JobJournal journal)
    {
        _options = options.Value;
        _serviceName = demoOptions.Value.ServiceName;
        _time = time;
        _random = random;
        _metrics = metrics;
        _journal = journal;
        _queues = [.. _options.EffectiveQueues().Select(name => new JobQueue(name))];
        _queuesByName = _queues.ToDictionary(q => q.Name, StringComparer.Ordinal);

        // The timer must not capture whatever ExecutionContext (and Activity) its creator happened to run in.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _metrics.ObserveQueues(ReadStats);
    }

    /// <summary>Set once shutdown begins: new requests' jobs are refused.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (_sync)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Jobs queued or running.</summary>
    public int Unfinished
    {
        get
        {
            lock (_sync)
            {
                return _unfinished;
            }
        }
    }

    /// <summary>
    /// Enqueues a job, visible after its qdelay. A request's job is refused once <c>MaxQueued</c> are queued or
    /// shutdown has begun; a running job's children are taken until the shutdown grace ends, since their parent was
    /// accepted already.
    /// </summary>
    public EnqueueResult Enqueue(JobSubmission submission)
    {
        var queue = _queuesByName[submission.Queue];
        var qdelay = QDelay.Parse(submission.Origin.Baggage, _serviceName);
        var delay = qdelay.Sample(_random);
        var id = Job.NewId();
        var transitions = new JobTransitions();
        EnqueueResult result;
        lock (_sync)
        {
            var isChild = submission.ParentId is not null;
            if (_closed || (_shuttingDown && !isChild))
            {
                return new EnqueueResult(EnqueueOutcome.ShuttingDown);
            }

            if (!isChild && _queued >= _options.MaxQueued)
            {
                return new EnqueueResult(EnqueueOutcome.QueueFull);
            }

            var now = _time.GetUtcNow();
            var job = new Job
            {
                Id = id,
                Tenant = submission.Tenant,
                Queue = submission.Queue,
                Spec = submission.Spec,
                Origin = submission.Origin,
                EnqueuedAt = now,
                QDelay = delay,
                Depth = submission.Depth,
                ParentId = submission.ParentId,
                VisibleAt = now + delay,
                Sequence = ++_sequence,
            };
            _jobs.Add(job.Id, job);
            queue.Add(job);
            _queued++;
            _unfinished++;
            if (submission.ParentId is { } parentId && _jobs.TryGetValue(parentId, out var parent))
            {
                (parent.Children ??= []).Add(job.Id);
            }

            var snapshot = JobSnapshot.Of(job);
            Pump(now, transitions);

            // After the pump: a job a worker took at once is no longer backlog.
            result = new EnqueueResult(EnqueueOutcome.Accepted, snapshot, queue.Backlog(job.Tenant, now));
        }

        Publish(transitions);
        _metrics.RecordEnqueued(queue.Name, submission.ParentId is not null);
        foreach (var kind in qdelay.Invalid)
        {
            _metrics.RecordQDelayInvalid(queue.Name, kind);
        }

        return result;
    }

    /// <summary>
    /// The next visible job, highest priority first, counted as an attempt; waits (without polling) until one is
    /// visible. Null once the scheduler is closed.
    /// </summary>
    public Task<JobLease?> TakeAsync(CancellationToken cancellationToken)
    {
        var transitions = new JobTransitions();
        JobLease? lease;
        LinkedListNode<TaskCompletionSource<JobLease?>>? node = null;
        lock (_sync)
        {
            if (_closed)
            {
                return Task.FromResult<JobLease?>(null);
            }

            var now = _time.GetUtcNow();
            Expire(now, transitions);
            lease = TryStart(now, transitions);
            if (lease is null)
            {
                node = _idleWorkers.AddLast(new TaskCompletionSource<JobLease?>(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            Arm(now);
        }

        Publish(transitions);
        if (node is null)
        {
            return Task.FromResult(lease);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => AbandonWait(node, cancellationToken));
            node.Value.Task.ContinueWith(
                _ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return node.Value.Task;
    }

    /// <summary>Records the span an attempt runs in, so GET shows it while the job runs.</summary>
    public void RecordExecution(JobLease lease, Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        lock (_sync)
        {
            if (lease.Job.Status == JobStatus.Running && lease.Job.Attempts == lease.Attempt)
            {
                lease.Job.Execution = activity.Context;
                lease.Job.ExecutionParentSpanId = activity.ParentSpanId;
            }
        }
    }

    /// <summary>
    /// Ends an attempt: success and permanent failure are final; another failure is retried after a backoff
    /// until <c>MaxAttempts</c>, then dead-lettered. Ignored if the job was already finished (by shutdown).
    /// </summary>
    public void CompleteAttempt(JobLease lease, AttemptOutcome outcome)
    {
        var job = lease.Job;
        var transitions = new JobTransitions();
        lock (_sync)
        {
            if (job.Status != JobStatus.Running || job.Attempts != lease.Attempt)
            {
                return;
            }

            var now = _time.GetUtcNow();
            switch (outcome)
            {
                case AttemptOutcome.Succeeded:
                    Finish(job, JobStatus.Succeeded, null, now, transitions);
                    break;
                case AttemptOutcome.FailedPermanently:
                    Finish(job, JobStatus.Failed, JobReasons.Permanent, now, transitions);
                    break;
                case AttemptOutcome.Failed when job.Attempts >= _options.MaxAttempts:
                    Finish(job, JobStatus.DeadLettered, JobReasons.Attempts, now, transitions);
                    break;
                case AttemptOutcome.Failed:
                    var queue = _queuesByName[job.Queue];
                    queue.Running--;
                    job.Status = JobStatus.Queued;
                    job.VisibleAt = now + RetryBackoff(job.Attempts);
                    job.Sequence = ++_sequence;
                    queue.Add(job);
                    _queued++;
                    break;
                default:
                    Finish(job, JobStatus.DeadLettered, JobReasons.Shutdown, now, transitions);
                    break;
            }

            Pump(now, transitions);
        }

        Publish(transitions);
    }

    /// <summary>A queue's backlog and one tenant's share of it now, as enqueue responses report it.</summary>
    public JobBacklog Backlog(string queue, string tenant)
    {
        lock (_sync)
        {
            return _queuesByName[queue].Backlog(tenant, _time.GetUtcNow());
        }
    }

    public JobSnapshot? Find(string id)
    {
        lock (_sync)
        {
            return _jobs.TryGetValue(id, out var job) ? JobSnapshot.Of(job) : null;
        }
    }

    /// <summary>The job once it is finished, or as it is after <paramref name="wait"/>, whichever comes first.</summary>
    public async Task<JobSnapshot?> WaitAsync(string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        Task<JobSnapshot> finished;
        lock (_sync)
        {
            if (!_jobs.TryGetValue(id, out var job))
            {
                return null;
            }

            if (job.Status.IsTerminal() || wait <= TimeSpan.Zero)
            {
                return JobSnapshot.Of(job);
            }

            job.Finished ??= new TaskCompletionSource<JobSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            finished = job.Finished.Task;
        }

        try
        {
            return await finished.WaitAsync(wait, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return Find(id);
        }
    }

    /// <summary>Refuses new requests' jobs from now on; workers carry on with what is queued.</summary>
    public void BeginShutdown()
    {
        lock (_sync)
        {
            _shuttingDown = true;
        }
    }

    /// <summary>Completes when no job is queued or running.</summary>
    public Task WhenIdleAsync()
    {
        lock (_sync)
        {
            if (_unfinished == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    /// <summary>
    /// Ends the scheduler: every job not finished, queued (visible or not) or running, is dead-lettered with reason
    /// <c>shutdown</c>, idle workers are released, and nothing more is accepted. Returns how many were dead-lettered.
    /// </summary>
    public int Close()
    {
        var transitions = new JobTransitions();
        var closed = 0;
        lock (_sync)
        {
            if (_closed)
            {
                return 0;
            }

            _closed = true;
            _shuttingDown = true;
            var now = _time.GetUtcNow();
            foreach (var job in _jobs.Values.Where(j => !j.Status.IsTerminal()).OrderBy(j => j.Sequence).ToList())
            {
                Finish(job, JobStatus.DeadLettered, JobReasons.Shutdown, now, transitions);
                closed++;
            }

            foreach (var worker in _idleWorkers)
            {
                transitions.Handoff(worker, null);
            }

            _idleWorkers.Clear();
            _timerDue = null;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        Publish(transitions);
        return closed;
    }

    /// <summary>Each priority class's queued and running jobs and oldest visible age, highest priority first.</summary>
    public IReadOnlyList<JobQueueStats> ReadStats()
    {
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            return [.. _queues.Select(q => new JobQueueStats(q.Name, q.Count, q.Running, q.OldestVisibleAge(now)))];
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>
    /// Backoff before retrying after failed attempt <paramref name="attempt"/>: RetryBaseDelay × 2^(attempt−1), capped
    /// at RetryMaxDelay, then scaled by a uniform factor in [0.5, 1] ("equal jitter") so retries that failed together
    /// spread out without any retry coming sooner than half its step.
    /// </summary>
    private TimeSpan RetryBackoff(int attempt)
    {
        var step = Math.Min(_options.RetryMaxDelay.Ticks, _options.RetryBaseDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 62)));
        return TimeSpan.FromTicks((long)(step * (0.5 + (0.5 * _random.NextDouble()))));
    }

    private void OnTimer()
    {
        var transitions = new JobTransitions();
        lock (_sync)
        {
            if (_closed)
            {
                return;
            }

            _timerDue = null;
            Pump(_time.GetUtcNow(), transitions);
        }

        Publish(transitions);
    }

    /// <summary>Expires jobs past their TTL, hands visible jobs to idle workers, and sets the timer for what is next.</summary>
    private void Pump(DateTimeOffset now, JobTransitions transitions)
    {
        Expire(now, transitions);
        while (_idleWorkers.First is { } worker && TryStart(now, transitions) is { } lease)
        {
            _idleWorkers.RemoveFirst();
            transitions.Handoff(worker.Value, lease);
        }

        Arm(now);
    }

    /// <summary>Dead-letters each queue's oldest visible jobs while they have waited TTL or more since becoming visible.</summary>
    private void Expire(DateTimeOffset now, JobTransitions transitions)
    {
        foreach (var queue in _queues)
        {
            while (queue.Head is { } head && head.VisibleAt + _options.Ttl <= now)
            {
                Finish(head, JobStatus.DeadLettered, JobReasons.Ttl, now, transitions);
            }
        }
    }

    private JobLease? TryStart(DateTimeOffset now, JobTransitions transitions)
    {
        foreach (var queue in _queues)
        {
            if (queue.Head is { } head && head.VisibleAt <= now)
            {
                queue.Remove(head);
                _queued--;
                queue.Running++;
                head.Status = JobStatus.Running;
                head.Attempts++;
                if (head.FirstAttemptAt is null)
                {
                    head.FirstAttemptAt = now;
                    transitions.FirstAttempt(queue.Name, now - head.VisibleAt);
                }

                return new JobLease(head, head.Attempts);
            }
        }

        return null;
    }

    /// <summary>
    /// Sets the one timer for the soonest thing that needs it: a queue head becoming visible, or a visible head
    /// reaching its TTL. Always in the future (the pump has already done what is due), so a fake clock never fires
    /// it from inside this lock.
    /// </summary>
    private void Arm(DateTimeOffset now)
    {
        DateTimeOffset? due = null;
        foreach (var queue in _queues)
        {
            if (queue.Head is { } head)
            {
                var at = head.VisibleAt > now ? head.VisibleAt : head.VisibleAt + _options.Ttl;
                due = due is { } d && d <= at ? d : at;
            }
        }

        if (due == _timerDue)
        {
            return;
        }

        _timerDue = due;
        _timer.Change(due is { } when ? when - now : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void Finish(Job job, JobStatus status, string? reason, DateTimeOffset now, JobTransitions transitions)
    {
        var queue = _queuesByName[job.Queue];
        if (job.Status == JobStatus.Running)
        {
            queue.Running--;
        }
        else
        {
            queue.Remove(job);
            _queued--;
        }

        job.Status = status;
        job.Reason = reason;
        job.FinishedAt = now;
        var snapshot = JobSnapshot.Of(job);
        transitions.Finish(snapshot, job.Finished);
        job.Finished = null;

        _retained.Enqueue(job);
        while (_retained.Count > _options.RetainFinished)
        {
            _jobs.Remove(_retained.Dequeue().Id);
        }

        if (--_unfinished == 0 && _idle is { } idle)
        {
            _idle = null;
            transitions.Idle = idle;
        }
    }

    private void AbandonWait(LinkedListNode<TaskCompletionSource<JobLease?>> node, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (node.List is null)
            {
                // Already handed a job (or released by Close); the worker sees that instead.
                return;
            }

            _idleWorkers.Remove(node);
        }

        node.Value.TrySetCanceled(cancellationToken);
    }

    private void Publish(JobTransitions transitions)
    {
        if (transitions.FirstAttempts is { } firstAttempts)
        {
            foreach (var (queue, age) in firstAttempts)
            {
                _metrics.RecordFirstAttemptAge(queue, age);
            }
        }

        if (transitions.Finished is { } finished)
        {
            foreach (var (job, waiters) in finished)
            {
                _journal.Append(job);
                _metrics.RecordFinished(job.Queue, job.Status, job.Reason);
                waiters?.TrySetResult(job);
            }
        }

        if (transitions.Handoffs is { } handoffs)
        {
            foreach (var (worker, lease) in handoffs)
            {
                worker.TrySetResult(lease);
            }
        }

        transitions.Idle?.TrySetResult();
    }
}
