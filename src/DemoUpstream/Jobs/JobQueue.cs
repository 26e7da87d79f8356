namespace DemoUpstream.Jobs;

/// <summary>
/// One priority class's queued jobs (visible or not), ordered by visible_at, with a per-tenant index for the
/// backlog a tenant sees. Not thread-safe: <see cref="JobScheduler"/> guards it with its lock.
/// </summary>
internal sealed class JobQueue(string name)
{
    private readonly SortedSet<Job> _jobs = new(JobVisibilityComparer.Instance);
    private readonly Dictionary<string, SortedSet<Job>> _byTenant = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public int Count => _jobs.Count;

    /// <summary>Jobs of this class being executed right now.</summary>
    public int Running { get; set; }

    /// <summary>The job with the earliest visible_at, visible yet or not.</summary>
    public Job? Head => _jobs.Min;

    public void Add(Job job)
    {
        _jobs.Add(job);
        if (!_byTenant.TryGetValue(job.Tenant, out var tenantJobs))
        {
            _byTenant[job.Tenant] = tenantJobs = new SortedSet<Job>(JobVisibilityComparer.Instance);
        }

        tenantJobs.Add(job);
    }

    /// <summary>Removes a queued job; its visible_at and sequence must not have changed since it was added.</summary>
    public void Remove(Job job)
    {
        _jobs.Remove(job);
        if (_byTenant.TryGetValue(job.Tenant, out var tenantJobs) && tenantJobs.Remove(job) && tenantJobs.Count == 0)
        {
            _byTenant.Remove(job.Tenant);
        }
    }

    /// <summary>How long the oldest visible job has been visible; zero when none is.</summary>
    public TimeSpan OldestVisibleAge(DateTimeOffset now) => AgeOf(_jobs.Min, now);

    public JobBacklog Backlog(string tenant, DateTimeOffset now)
    {
        _byTenant.TryGetValue(tenant, out var tenantJobs);
        return new JobBacklog(_jobs.Count, AgeOf(_jobs.Min, now), tenantJobs?.Count ?? 0, AgeOf(tenantJobs?.Min, now));
    }

    private static TimeSpan AgeOf(Job? oldest, DateTimeOffset now) =>
        oldest is not null && oldest.VisibleAt <= now ? now - oldest.VisibleAt : TimeSpan.Zero;
}
