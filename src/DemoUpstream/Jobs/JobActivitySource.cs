using System.Diagnostics;

namespace DemoUpstream.Jobs;

/// <summary>
/// The <c>DemoUpstream.Jobs</c> activity source. Each execution attempt is a Consumer span whose parent is the span
/// that enqueued the job and whose baggage is the job's, so qdelay and anything else in baggage reach children.
/// </summary>
internal sealed class JobActivitySource : IDisposable
{
    public const string Name = "DemoUpstream.Jobs";

    private readonly ActivitySource _source = new(Name);

    /// <summary>Starts (and makes current) the span for one attempt; null when nothing listens.</summary>
    public Activity? StartAttempt(JobLease lease)
    {
        var job = lease.Job;
        var activity = _source.StartActivity($"process {job.Queue}", ActivityKind.Consumer, job.Origin.Context);
        if (activity is null)
        {
            return null;
        }

        // Added last to first: Activity.Baggage lists the most recently added first, so this keeps the origin's order.
        for (var i = job.Origin.Baggage.Count - 1; i >= 0; i--)
        {
            var (key, value) = job.Origin.Baggage[i];
            activity.AddBaggage(key, value);
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("job.id", job.Id);
            activity.SetTag("job.queue", job.Queue);
            activity.SetTag("job.attempt", lease.Attempt);
            activity.SetTag("job.tenant", job.Tenant);
        }

        return activity;
    }

    public void Dispose() => _source.Dispose();
}
