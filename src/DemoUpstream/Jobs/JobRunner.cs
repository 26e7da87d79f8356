using System.Diagnostics;

namespace DemoUpstream.Jobs;

/// <summary>
/// Runs one attempt of a job inside its execution span: works <c>work_ms</c> (a TimeProvider delay), fails when the
/// job asks to, and on success enqueues its children from inside the span, so each child's enqueuer is this span
/// and its baggage (qdelay included) is this job's.
/// </summary>
internal sealed partial class JobRunner(JobScheduler scheduler, JobActivitySource activities, TimeProvider time, ILogger<JobRunner> logger)
{
    public async Task RunAsync(JobLease lease, CancellationToken cancellationToken)
    {
        var job = lease.Job;
        AttemptOutcome outcome;
        using (var activity = activities.StartAttempt(lease))
        {
            scheduler.RecordExecution(lease, activity);
            try
            {
                if (job.Spec.WorkMs > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(job.Spec.WorkMs), time, cancellationToken);
                }

                outcome = lease.Attempt <= job.Spec.FailAttempts ? AttemptOutcome.Failed
                    : job.Spec.FailPermanently ? AttemptOutcome.FailedPermanently
                    : AttemptOutcome.Succeeded;
                if (outcome == AttemptOutcome.Succeeded)
                {
                    EnqueueChildren(job);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                outcome = AttemptOutcome.Cancelled;
            }
            catch (Exception ex)
            {
                Log.AttemptCrashed(logger, job.Id, lease.Attempt, ex);
                outcome = AttemptOutcome.Failed;
            }

            if (activity is not null)
            {
                activity.SetTag("job.outcome", outcome.ToString());
                if (outcome != AttemptOutcome.Succeeded)
                {
                    activity.SetStatus(ActivityStatusCode.Error, outcome.ToString());
                }
            }
        }

        // After the span ends, so a client woken by the job finishing sees a complete trace.
        scheduler.CompleteAttempt(lease, outcome);
    }

    private void EnqueueChildren(Job job)
    {
        if (job.Spec.Children == 0 || job.Depth >= job.Spec.ChildDepth)
        {
            return;
        }

        var origin = JobOrigin.Capture(Activity.Current, () => job.Origin.Baggage);
        var spec = job.Spec with { Payload = null };
        for (var i = 0; i < job.Spec.Children; i++)
        {
            scheduler.Enqueue(new JobSubmission(job.Tenant, job.Queue, spec, origin) { Depth = job.Depth + 1, ParentId = job.Id });
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, Level = LogLevel.Error, Message = "Job {JobId} attempt {Attempt} threw; it counts as a failed attempt.")]
        public static partial void AttemptCrashed(ILogger logger, string jobId, int attempt, Exception exception);
    }
}
