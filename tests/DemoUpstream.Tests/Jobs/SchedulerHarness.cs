using System.Diagnostics.Metrics;
using DemoUpstream.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DemoUpstream.Tests.Jobs;

/// <summary>A <see cref="JobScheduler"/> on a fake clock, with its own meter factory so its metrics are this test's alone.</summary>
internal sealed class SchedulerHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public SchedulerHarness(JobsOptions? options = null, string serviceName = "demo", Random? random = null)
    {
        JobsOptions = options ?? new JobsOptions();
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        Measurements = new MeasurementCapture(MeterFactory);
        var demo = Options.Create(new DemoUpstreamOptions { ServiceName = serviceName });
        Journal = new JobJournal(Options.Create(JobsOptions), Time, NullLogger<JobJournal>.Instance);
        Scheduler = new JobScheduler(
            Options.Create(JobsOptions), demo, Time, new JitterSource(random ?? new Random(7)), new JobMetrics(MeterFactory, demo), Journal);
    }

    public FakeTimeProvider Time { get; } = new();

    public DateTimeOffset Start { get; } = new FakeTimeProvider().GetUtcNow();

    public JobsOptions JobsOptions { get; }

    public IMeterFactory MeterFactory { get; }

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
        Measurements.Dispose();
        _services.Dispose();
    }

    /// <summary>Milliseconds from the harness's creation to <paramref name="at"/> on the fake clock.</summary>
    public double Ms(DateTimeOffset? at) => ((at ?? throw new ArgumentNullException(nameof(at))) - Start).TotalMilliseconds;
}
