using System.Diagnostics;
using DemoUpstream.Jobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobRunnerTests : IDisposable
{
    private readonly SchedulerHarness _harness = new(new JobsOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(100) }, random: new FixedRandom(1));
    private readonly JobActivityListener _listener = new();
    private readonly JobActivitySource _activities = new();
    private readonly JobRunner _runner;

    public JobRunnerTests()
    {
        _runner = new JobRunner(_harness.Scheduler, _activities, _harness.Time, NullLogger<JobRunner>.Instance);
    }

    public void Dispose()
    {
        _activities.Dispose();
        _listener.Dispose();
        _harness.Dispose();
    }

    private static JobOrigin RemoteOrigin(params (string Key, string Value)[] baggage) => SchedulerHarness.Baggage(baggage) with
    {
        Context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded),
    };

    [Fact]
    public async Task RunAsync_WorkMs_WorksThatLongOnTheClockThenSucceeds()
    {
        var job = _harness.Enqueue(spec: new JobSpec { WorkMs = 300 });
        var run = _runner.RunAsync(_harness.TakeNow(), CancellationToken.None);

        _harness.Time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.False(run.IsCompleted, "finished before work_ms");
        _harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        await run;

        var done = _harness.Get(job.Id);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(300, _harness.Ms(done.FinishedAt));
        Assert.Null(done.Reason);
    }

    [Fact]
    public async Task RunAsync_FailAttempts_FailsThoseAttemptsThenSucceedsOnTheNext()
    {
        var job = _harness.Enqueue(spec: new JobSpec { WorkMs = 0, FailAttempts = 2 });

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var take = _harness.Scheduler.TakeAsync(CancellationToken.None);
            _harness.Time.Advance(TimeSpan.FromSeconds(1));
            await _runner.RunAsync((await take)!, CancellationToken.None);
            Assert.Equal(attempt < 3 ? JobStatus.Queued : JobStatus.Succeeded, _harness.Get(job.Id).Status);
        }

        Assert.Equal(3, _harness.Get(job.Id).Attempts);
    }

    [Fact]
    public async Task RunAsync_FailPermanently_FailsWithReasonPermanentAndEnqueuesNoChildren()
    {
        var job = _harness.Enqueue(spec: new JobSpec { WorkMs = 0, FailPermanently = true, Children = 2 });

        await _runner.RunAsync(_harness.TakeNow(), CancellationToken.None);

        var failed = _harness.Get(job.Id);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(JobReasons.Permanent, failed.Reason);
        Assert.Empty(failed.Children);
    }

    [Fact]
    public async Task RunAsync_Cancelled_LeavesTheJobToShutdown()
    {
        var job = _harness.Enqueue(spec: new JobSpec { WorkMs = 1000 });
        using var cancel = new CancellationTokenSource();
        var run = _runner.RunAsync(_harness.TakeNow(), cancel.Token);

        await cancel.CancelAsync();
        await run;

        var stopped = _harness.Get(job.Id);
        Assert.Equal(JobStatus.DeadLettered, stopped.Status);
        Assert.Equal(JobReasons.Shutdown, stopped.Reason);
    }

    [Fact]
    public async Task RunAsync_Children_AreEnqueuedFromTheExecutionSpanWithTheParentsBaggageSoQDelayCompounds()
    {
        var origin = RemoteOrigin(("qdelay.ms", "100"), ("user", "u1"));
        var parent = _harness.Enqueue(tenant: "acme", queue: "low", spec: new JobSpec { WorkMs = 50, Children = 2, ChildDepth = 1 }, origin: origin);
        _harness.Time.Advance(TimeSpan.FromMilliseconds(100));
        var run = _runner.RunAsync(_harness.TakeNow(), CancellationToken.None);
        _harness.Time.Advance(TimeSpan.FromMilliseconds(50));
        await run;

        var done = _harness.Get(parent.Id);
        Assert.Equal(2, done.Children.Count);
        Assert.Equal(origin.Context.TraceId, done.TraceId);
        Assert.Equal(origin.Context.SpanId, done.ParentSpanId);
        Assert.NotEqual(default, done.SpanId);
        foreach (var childId in done.Children)
        {
            var child = _harness.Get(childId);
            Assert.Equal(parent.Id, child.ParentId);
            Assert.Equal("acme", child.Tenant);
            Assert.Equal("low", child.Queue);
            Assert.Equal(done.SpanId, child.EnqueuedBySpanId);
            Assert.Equal(done.ParentSpanId, child.EnqueuedByParentSpanId);
            Assert.Equal(origin.Context.TraceId, child.TraceId);

            // Enqueued at 150 ms, when the parent finished, then the same 100 ms qdelay again: 250 ms.
            Assert.Equal(150, _harness.Ms(child.EnqueuedAt));
            Assert.Equal(250, _harness.Ms(child.VisibleAt));
        }
    }

    [Fact]
    public async Task RunAsync_ChildDepth_StopsEnqueueingAtThatDepth()
    {
        var root = _harness.Enqueue(spec: new JobSpec { WorkMs = 0, Children = 2, ChildDepth = 2 });
        var ran = 0;

        while (_harness.Scheduler.Unfinished > 0)
        {
            await _runner.RunAsync(_harness.TakeNow(), CancellationToken.None);
            ran++;
        }

        Assert.Equal(1 + 2 + 4, ran);
        var children = _harness.Get(root.Id).Children;
        Assert.Equal(2, children.Count);
        Assert.All(children, id => Assert.Equal(2, _harness.Get(id).Children.Count));
        Assert.All(children.SelectMany(id => _harness.Get(id).Children), id => Assert.Empty(_harness.Get(id).Children));
    }

    [Fact]
    public void StartAttempt_OriginBaggage_KeepsItsOrderOnTheExecutionSpan()
    {
        var job = _harness.Enqueue(origin: RemoteOrigin(("a", "1"), ("b", "2"), ("a", "3")));

        using var activity = _activities.StartAttempt(_harness.TakeNow());

        Assert.NotNull(activity);
        Assert.Equal(ActivityKind.Consumer, activity.Kind);
        Assert.Equal([new("a", "1"), new("b", "2"), new("a", "3")], activity.Baggage.ToList());
        Assert.Equal(job.Id, activity.GetTagItem("job.id"));
    }
}
