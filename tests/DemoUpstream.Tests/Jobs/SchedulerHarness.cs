using DemoUpstream.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Prometheus;

namespace DemoUpstream.Tests.Jobs;

/// <summary>A <see cref="JobScheduler"/> on a fake clock, with its own metrics registry so its metrics are this test's alone.</summary>
internal sealed class SchedulerHarness : IDisposable
{
    public SchedulerHarness(JobsOptions? options = null, string serviceName = "demo", Random? random = null)
    {
        JobsOptions = options ?? new JobsOptions();
        var registry = Metrics.NewCustomRegistry();
        Measurements = new MeasurementCapture(registry);
        var demo = Options.Create(new DemoUpstreamOptions { ServiceName = serviceName });
        Journal = new JobJournal(Options.Create(JobsOptions), Time, NullLogger<JobJournal>.Instance);
        Scheduler = new JobScheduler(
            Options.Create(JobsOptions), demo, Time, new JitterSource(random ?? new Random(7)), new JobMetrics(Metrics.WithCustomRegistry(registry), registry, demo), Journal);
    }

    public FakeTimeProvider Time { get; } = new();

    public DateTimeOffset Start { get; } = new FakeTimeProvider().GetUtcNow();

    public JobsOptions JobsOptions { get; }

    public MeasurementCapture Measurements { get; }

    public JobJournal Journal { get; }

    public JobScheduler Scheduler { get; }

    public static JobOrigin Baggage(params (string Key, string Value)[] entries) =>
        new() { Baggage = [.. entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))] };

    public JobSnapshot Enqueue(string queue = "default", string tenant = "t1", JobSpec? spec = null, JobOrigin? origin = null)
    {
        var result = Scheduler.Enqueue(new JobSubmission(tenant, queue, spec ?? new JobSpec(), origin ?? JobOrigin.None));
        Assert.Equal(EnqueueOutcome.Accepted, result.Outcome);
        return result.Job!;
    }

    /// <summary>A job a worker can take right now.</summary>
    public JobLease TakeNow()
    {
        var take = Scheduler.TakeAsync(CancellationToken.None);
        Assert.True(take.IsCompletedSuccessfully, "no job was visible");
        return Assert.IsType<JobLease>(take.GetAwaiter().GetResult());
    }

    public JobSnapshot Get(string id) => Scheduler.Find(id) ?? throw new InvalidOperationException($"job {id} not found");

    public void Dispose()
    {
        Scheduler.Dispose();
        Journal.Dispose();
    }

    /// <summary>Milliseconds from the harness's creation to <paramref name="at"/> on the fake clock.</summary>
    public double Ms(DateTimeOffset? at) => ((at ?? throw new ArgumentNullException(nameof(at))) - Start).TotalMilliseconds;
}
