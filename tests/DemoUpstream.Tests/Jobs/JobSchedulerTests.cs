using DemoUpstream.Jobs;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobSchedulerTests
{
    private static readonly TimeSpan OneMs = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Enqueue_WithQDelay_JobIsVisibleOnlyFromEnqueuedAtPlusTheDelay()
    {
        using var harness = new SchedulerHarness();
        var job = harness.Enqueue(origin: SchedulerHarness.Baggage(("qdelay.ms", "500")));
        var take = harness.Scheduler.TakeAsync(CancellationToken.None);

        harness.Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(take.IsCompleted, "taken before visible_at");
        harness.Time.Advance(OneMs);

        Assert.True(take.IsCompletedSuccessfully);
        Assert.Equal(job.Id, (await take)!.Job.Id);
        Assert.Equal(TimeSpan.FromMilliseconds(500), job.QDelay);
        Assert.Equal(job.EnqueuedAt + TimeSpan.FromMilliseconds(500), job.VisibleAt);
        var running = harness.Get(job.Id);
        Assert.Equal(JobStatus.Running, running.Status);
        Assert.Equal(job.VisibleAt, running.FirstAttemptAt);
        Assert.Equal(1, running.Attempts);
    }

    [Fact]
    public void Enqueue_WithoutQDelay_IsVisibleAtOnce()
    {
        using var harness = new SchedulerHarness();
        var job = harness.Enqueue();

        Assert.Equal(TimeSpan.Zero, job.QDelay);
        Assert.Equal(job.EnqueuedAt, job.VisibleAt);
        Assert.Equal(job.Id, harness.TakeNow().Job.Id);
    }

    [Fact]
    public void Enqueue_WithJitter_DelaysSpreadOverBaseToBasePlusJitterAndRepeatBySeed()
    {
        static List<double> Delays(int seed)
        {
            using var harness = new SchedulerHarness(new JobsOptions { MaxQueued = 1000 }, random: new Random(seed));
            var origin = SchedulerHarness.Baggage(("qdelay.ms", "100"), ("qdelay.jitter_ms", "50"));
            return [.. Enumerable.Range(0, 300).Select(_ => harness.Enqueue(origin: origin).QDelay.TotalMilliseconds)];
        }

        var delays = Delays(seed: 3);

        Assert.All(delays, d => Assert.InRange(d, 100, 150));
        Assert.Contains(100, delays);
        Assert.Contains(150, delays);
        Assert.True(delays.Distinct().Count() > 40, $"only {delays.Distinct().Count()} distinct delays");
        Assert.Equal(delays, Delays(seed: 3));
        Assert.NotEqual(delays, Delays(seed: 4));
    }

    [Theory]
    [InlineData("orders", 700)]
    [InlineData("billing", 5)]
    [InlineData("demo", 100)]
    public void Enqueue_PerServiceOverride_AppliesOnlyToTheNamedService(string serviceName, double expectedMs)
    {
        using var harness = new SchedulerHarness(serviceName: serviceName);
        var origin = SchedulerHarness.Baggage(("qdelay.ms", "100"), ("qdelay.svc.orders", "700"), ("qdelay.svc.billing", "5"));

        var job = harness.Enqueue(origin: origin);

        Assert.Equal(expectedMs, job.QDelay.TotalMilliseconds);
        Assert.Equal(job.EnqueuedAt + job.QDelay, job.VisibleAt);
    }

    [Fact]
    public void Enqueue_InvalidQDelayEntries_AreIgnoredAndCounted()
    {
        using var harness = new SchedulerHarness();

        var job = harness.Enqueue(origin: SchedulerHarness.Baggage(("qdelay.ms", "-5"), ("qdelay.jitter_ms", "900001"), ("qdelay.svc.demo", "1.5")));

        Assert.Equal(TimeSpan.Zero, job.QDelay);
        var invalid = harness.Measurements.Of("demo_jobs_qdelay_invalid_total");
        Assert.Equal(["jitter_ms", "ms", "svc"], invalid.Select(m => (string)m.Tags["entry"]!).Order());
        Assert.All(invalid, m => Assert.Equal("default", m.Tags["queue"]));
    }

    [Fact]
    public void TakeAsync_SeveralClassesVisible_TakesStrictlyByPriorityThenByVisibleAt()
    {
        using var harness = new SchedulerHarness();
        var low = harness.Enqueue("low");
        var defaultLate = harness.Enqueue("default", origin: SchedulerHarness.Baggage(("qdelay.ms", "10")));
        var defaultEarly = harness.Enqueue("default");
        var high = harness.Enqueue("high", origin: SchedulerHarness.Baggage(("qdelay.ms", "20")));
        harness.Time.Advance(TimeSpan.FromMilliseconds(20));

        var order = Enumerable.Range(0, 4).Select(_ => harness.TakeNow().Job.Id).ToList();

        // defaultLate was enqueued first, but became visible later: FIFO is by visible_at.
        Assert.Equal([high.Id, defaultEarly.Id, defaultLate.Id, low.Id], order);
    }

    [Fact]
    public void TakeAsync_HigherClassNotYetVisible_TakesTheVisibleLowerClassJob()
    {
        using var harness = new SchedulerHarness();
        harness.Enqueue("high", origin: SchedulerHarness.Baggage(("qdelay.ms", "1000")));
        var low = harness.Enqueue("low");

        Assert.Equal(low.Id, harness.TakeNow().Job.Id);
        Assert.False(harness.Scheduler.TakeAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task TakeAsync_IdleWorkers_AreHandedJobsAsTheyArriveInOrder()
    {
        using var harness = new SchedulerHarness();
        var first = harness.Scheduler.TakeAsync(CancellationToken.None);
        var second = harness.Scheduler.TakeAsync(CancellationToken.None);

        var a = harness.Enqueue();
        var b = harness.Enqueue();

        Assert.Equal(a.Id, (await first)!.Job.Id);
        Assert.Equal(b.Id, (await second)!.Job.Id);
    }

    [Fact]
    public async Task TakeAsync_Cancelled_StopsWaitingAndTheNextJobGoesToAnotherWorker()
    {
        using var harness = new SchedulerHarness();
        using var cancel = new CancellationTokenSource();
        var abandoned = harness.Scheduler.TakeAsync(cancel.Token);
        var waiting = harness.Scheduler.TakeAsync(CancellationToken.None);

        await cancel.CancelAsync();
        var job = harness.Enqueue();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(job.Id, (await waiting)!.Job.Id);
    }

    [Fact]
    public async Task CompleteAttempt_Failed_RequeuesTheJobInvisibleUntilItsBackoffEnds()
    {
        // Jitter fraction 0.5 scales the 200 ms step by 0.75.
        using var harness = new SchedulerHarness(new JobsOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(200) }, random: new FixedRandom(0.5));
        var job = harness.Enqueue();

        harness.Scheduler.CompleteAttempt(harness.TakeNow(), AttemptOutcome.Failed);
        var retried = harness.Get(job.Id);
        var take = harness.Scheduler.TakeAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromMilliseconds(149));
        Assert.False(take.IsCompleted, "retry taken before its backoff ended");
        harness.Time.Advance(OneMs);

        Assert.Equal(JobStatus.Queued, retried.Status);
        Assert.Equal(retried.EnqueuedAt + TimeSpan.FromMilliseconds(150), retried.VisibleAt);
        Assert.True(take.IsCompletedSuccessfully);
        Assert.Equal(2, (await take)!.Attempt);
        Assert.Equal(retried.EnqueuedAt, harness.Get(job.Id).FirstAttemptAt);
    }

    [Theory]
    [InlineData(0.0, new[] { 100, 200, 400, 500 })]
    [InlineData(0.999999, new[] { 200, 400, 800, 1000 })]
    public async Task CompleteAttempt_Failed_BackoffDoublesWithinJitterBoundsAndIsCapped(double fraction, int[] expectedMs)
    {
        var options = new JobsOptions { MaxAttempts = 10, RetryBaseDelay = TimeSpan.FromMilliseconds(200), RetryMaxDelay = TimeSpan.FromSeconds(1) };
        using var harness = new SchedulerHarness(options, random: new FixedRandom(fraction));
        var job = harness.Enqueue();

        var backoffs = new List<double>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var take = harness.Scheduler.TakeAsync(CancellationToken.None);
            harness.Time.Advance(harness.Get(job.Id).VisibleAt - harness.Time.GetUtcNow());
            Assert.True(take.IsCompletedSuccessfully);
            var lease = (await take)!;
            Assert.Equal(attempt, lease.Attempt);
            harness.Scheduler.CompleteAttempt(lease, AttemptOutcome.Failed);
            backoffs.Add((harness.Get(job.Id).VisibleAt - harness.Time.GetUtcNow()).TotalMilliseconds);
        }

        // Attempt 4's step (1600 ms) is capped at RetryMaxDelay (1 s), and then jittered.
        Assert.Equal(expectedMs.Select(ms => (double)ms), backoffs.Select(ms => Math.Round(ms)));
    }

    [Fact]
    public async Task CompleteAttempt_FailsMaxAttemptsTimes_DeadLettersWithReasonAttempts()
    {
        using var harness = new SchedulerHarness(new JobsOptions { MaxAttempts = 3 });
        var job = harness.Enqueue();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var take = harness.Scheduler.TakeAsync(CancellationToken.None);
            harness.Time.Advance(TimeSpan.FromSeconds(10));
            harness.Scheduler.CompleteAttempt((await take)!, AttemptOutcome.Failed);
        }

        var finished = harness.Get(job.Id);
        Assert.Equal(JobStatus.DeadLettered, finished.Status);
        Assert.Equal(JobReasons.Attempts, finished.Reason);
        Assert.Equal(3, finished.Attempts);
        Assert.Equal(harness.Time.GetUtcNow(), finished.FinishedAt);
        Assert.False(harness.Scheduler.TakeAsync(CancellationToken.None).IsCompleted);
        var outcome = Assert.Single(harness.Measurements.Of("demo_jobs_finished_total"));
        Assert.Equal("dead-lettered", outcome.Tags["outcome"]);
        Assert.Equal("attempts", outcome.Tags["reason"]);
    }

    [Fact]
    public void CompleteAttempt_FailedPermanently_FailsWithoutRetry()
    {
        using var harness = new SchedulerHarness();
        var job = harness.Enqueue();

        harness.Scheduler.CompleteAttempt(harness.TakeNow(), AttemptOutcome.FailedPermanently);

        var finished = harness.Get(job.Id);
        Assert.Equal(JobStatus.Failed, finished.Status);
        Assert.Equal(JobReasons.Permanent, finished.Reason);
        Assert.Equal(1, finished.Attempts);
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(harness.Scheduler.TakeAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void Enqueue_NotStartedWithinTtlOfVisibleAt_IsDeadLetteredWithReasonTtlWithoutAnyWorker()
    {
        using var harness = new SchedulerHarness(new JobsOptions { Ttl = TimeSpan.FromSeconds(1) });
        var job = harness.Enqueue(origin: SchedulerHarness.Baggage(("qdelay.ms", "500")));

        // The TTL runs from visible_at: the qdelay does not use it up.
        harness.Time.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.Equal(JobStatus.Queued, harness.Get(job.Id).Status);
        harness.Time.Advance(OneMs);

        var expired = harness.Get(job.Id);
        Assert.Equal(JobStatus.DeadLettered, expired.Status);
        Assert.Equal(JobReasons.Ttl, expired.Reason);
        Assert.Equal(0, expired.Attempts);
        Assert.Null(expired.FirstAttemptAt);
        Assert.Equal(1500, harness.Ms(expired.FinishedAt));
        Assert.Equal(0, harness.Scheduler.Unfinished);
    }

    [Fact]
    public void TakeAsync_JustWithinTtl_JobRunsAndIsNotExpired()
    {
        using var harness = new SchedulerHarness(new JobsOptions { Ttl = TimeSpan.FromSeconds(1) });
        var job = harness.Enqueue();
        harness.Time.Advance(TimeSpan.FromMilliseconds(999));

        var lease = harness.TakeNow();
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        harness.Scheduler.CompleteAttempt(lease, AttemptOutcome.Succeeded);

        Assert.Equal(JobStatus.Succeeded, harness.Get(job.Id).Status);
    }

    [Fact]
    public void CompleteAttempt_MoreFinishedThanRetained_ForgetsTheOldestFinishedFirstButNeverAnUnfinishedJob()
    {
        using var harness = new SchedulerHarness(new JobsOptions { RetainFinished = 2 });
        var unfinished = harness.Enqueue(origin: SchedulerHarness.Baggage(("qdelay.ms", "60000")));
        var jobs = Enumerable.Range(0, 3).Select(_ => harness.Enqueue()).ToList();

        foreach (var _ in jobs)
        {
            harness.Scheduler.CompleteAttempt(harness.TakeNow(), AttemptOutcome.Succeeded);
        }

        Assert.Null(harness.Scheduler.Find(jobs[0].Id));
        Assert.NotNull(harness.Scheduler.Find(jobs[1].Id));
        Assert.NotNull(harness.Scheduler.Find(jobs[2].Id));
        Assert.Equal(JobStatus.Queued, harness.Get(unfinished.Id).Status);
    }

    [Fact]
    public void Enqueue_MaxQueuedReached_RefusesRequestsJobsButTakesChildren()
    {
        using var harness = new SchedulerHarness(new JobsOptions { MaxQueued = 2 });
        var parent = harness.Enqueue(origin: SchedulerHarness.Baggage(("qdelay.ms", "1000")));
        harness.Enqueue(origin: SchedulerHarness.Baggage(("qdelay.ms", "1000")));

        var refused = harness.Scheduler.Enqueue(new JobSubmission("t1", "default", new JobSpec(), JobOrigin.None));
        var child = harness.Scheduler.Enqueue(new JobSubmission("t1", "default", new JobSpec(), JobOrigin.None) { ParentId = parent.Id, Depth = 1 });

        Assert.Equal(EnqueueOutcome.QueueFull, refused.Outcome);
        Assert.Equal(EnqueueOutcome.Accepted, child.Outcome);
        Assert.Equal(parent.Id, child.Job!.ParentId);
        Assert.Equal([child.Job.Id], harness.Get(parent.Id).Children);
    }

    [Fact]
    public void Enqueue_Accepted_ReportsQueueAndTenantBacklogWithAgesOfVisibleJobsOnly()
    {
        using var harness = new SchedulerHarness();
        harness.Enqueue(tenant: "a");
        harness.Enqueue(tenant: "b", origin: SchedulerHarness.Baggage(("qdelay.ms", "60000")));
        harness.Time.Advance(TimeSpan.FromMilliseconds(250));
        harness.Enqueue(tenant: "b");
        harness.Time.Advance(TimeSpan.FromMilliseconds(100));

        var result = harness.Scheduler.Enqueue(new JobSubmission("b", "default", new JobSpec(), JobOrigin.None));
        var other = harness.Scheduler.Enqueue(new JobSubmission("c", "high", new JobSpec(), JobOrigin.None));

        Assert.Equal(new JobBacklog(4, TimeSpan.FromMilliseconds(350), 3, TimeSpan.FromMilliseconds(100)), result.Backlog);
        Assert.Equal(
            "TEXT named_metrics.backlog=4, named_metrics.backlog_age_ms=350, named_metrics.tenant_backlog=3, named_metrics.tenant_backlog_age_ms=100",
            result.Backlog.ToLoadMetrics());
        Assert.Equal(new JobBacklog(1, TimeSpan.Zero, 1, TimeSpan.Zero), other.Backlog);
    }

    [Fact]
    public void ReadStats_DelayedAndVisibleJobs_OldestAgeCountsFromVisibleAtSoExcludesQDelay()
    {
        using var harness = new SchedulerHarness();
        harness.Enqueue(origin: SchedulerHarness.Baggage(("qdelay.ms", "1000")));
        harness.Time.Advance(TimeSpan.FromMilliseconds(1200));
        Assert.Equal(TimeSpan.FromMilliseconds(200), harness.Scheduler.ReadStats().Single(s => s.Queue == "default").OldestVisibleAge);

        harness.Scheduler.TakeAsync(CancellationToken.None);
        harness.Enqueue(origin: SchedulerHarness.Baggage(("qdelay.ms", "5000")));

        var stats = harness.Scheduler.ReadStats();
        Assert.Equal(["high", "default", "low"], stats.Select(s => s.Queue));
        Assert.Equal(new JobQueueStats("default", Queued: 1, Running: 1, OldestVisibleAge: TimeSpan.Zero), stats[1]);
        var gauge = harness.Measurements.Of("demo_jobs_oldest_age_seconds");
        Assert.Contains(gauge, m => (string)m.Tags["queue"]! == "low" && (string)m.Tags["service"]! == "demo" && m.Value == 0);
    }

    [Fact]
    public void TakeAsync_FirstAttempt_RecordsFirstAttemptAgeFromVisibleAt()
    {
        using var harness = new SchedulerHarness();
        harness.Enqueue("high", origin: SchedulerHarness.Baggage(("qdelay.ms", "1000")));
        harness.Time.Advance(TimeSpan.FromMilliseconds(1300));

        var lease = harness.TakeNow();
        harness.Scheduler.CompleteAttempt(lease, AttemptOutcome.Failed);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        harness.TakeNow();

        // One sample: retries are not first attempts.
        var age = Assert.Single(harness.Measurements.Of("demo_jobs_first_attempt_age_seconds"));
        Assert.Equal(0.3, age.Value, precision: 6);
        Assert.Equal("high", age.Tags["queue"]);
    }

    [Fact]
    public async Task WaitAsync_JobFinishesWithinTheWait_ReturnsTheFinishedJobAtOnce()
    {
        using var harness = new SchedulerHarness();
        var job = harness.Enqueue();
        var lease = harness.TakeNow();

        var wait = harness.Scheduler.WaitAsync(job.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(wait.IsCompleted);
        harness.Scheduler.CompleteAttempt(lease, AttemptOutcome.Succeeded);

        var finished = await wait;
        Assert.Equal(JobStatus.Succeeded, finished!.Status);
    }

    [Fact]
    public async Task WaitAsync_WaitEndsFirst_ReturnsTheJobAsItIsThen()
    {
        using var harness = new SchedulerHarness();
        var job = harness.Enqueue(origin: SchedulerHarness.Baggage(("qdelay.ms", "60000")));

        var wait = harness.Scheduler.WaitAsync(job.Id, TimeSpan.FromSeconds(2), CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(wait.IsCompleted);
        harness.Time.Advance(OneMs);

        Assert.Equal(JobStatus.Queued, (await wait)!.Status);
        Assert.Null(await harness.Scheduler.WaitAsync("unknown", TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task BeginShutdown_RefusesRequestsJobs_AndWhenIdleCompletesOnceTheLastJobFinishes()
    {
        using var harness = new SchedulerHarness();
        var job = harness.Enqueue();
        var lease = harness.TakeNow();

        harness.Scheduler.BeginShutdown();
        var idle = harness.Scheduler.WhenIdleAsync();
        var refused = harness.Scheduler.Enqueue(new JobSubmission("t1", "default", new JobSpec(), JobOrigin.None));
        var child = harness.Scheduler.Enqueue(new JobSubmission("t1", "default", new JobSpec(), JobOrigin.None) { ParentId = job.Id, Depth = 1 });

        Assert.True(harness.Scheduler.IsShuttingDown);
        Assert.Equal(EnqueueOutcome.ShuttingDown, refused.Outcome);
        Assert.Equal(EnqueueOutcome.Accepted, child.Outcome);
        harness.Scheduler.CompleteAttempt(lease, AttemptOutcome.Succeeded);
        Assert.False(idle.IsCompleted, "idle while the child is still queued");
        harness.Scheduler.CompleteAttempt(harness.TakeNow(), AttemptOutcome.Succeeded);
        await idle;
    }

    [Fact]
    public async Task Close_UnfinishedJobs_DeadLettersEveryOneWithReasonShutdownAndReleasesIdleWorkers()
    {
        using var harness = new SchedulerHarness();
        var done = harness.Enqueue();
        harness.Scheduler.CompleteAttempt(harness.TakeNow(), AttemptOutcome.Succeeded);
        var running = harness.Enqueue("high");
        var lease = harness.TakeNow();
        var visible = harness.Enqueue();
        var delayed = harness.Enqueue("low", origin: SchedulerHarness.Baggage(("qdelay.ms", "60000")));
        var idleWorker = harness.Scheduler.TakeAsync(CancellationToken.None);
        var secondIdleWorker = harness.Scheduler.TakeAsync(CancellationToken.None);
        Assert.Equal(visible.Id, (await idleWorker)!.Job.Id);

        var closed = harness.Scheduler.Close();

        Assert.Equal(3, closed);
        foreach (var id in new[] { running.Id, visible.Id, delayed.Id })
        {
            var job = harness.Get(id);
            Assert.Equal(JobStatus.DeadLettered, job.Status);
            Assert.Equal(JobReasons.Shutdown, job.Reason);
            Assert.Equal(harness.Time.GetUtcNow(), job.FinishedAt);
        }

        Assert.Equal(JobStatus.Succeeded, harness.Get(done.Id).Status);
        Assert.Null(await secondIdleWorker);
        Assert.Null(await harness.Scheduler.TakeAsync(CancellationToken.None));

        // The attempt that was running reports late: the job stays dead-lettered.
        harness.Scheduler.CompleteAttempt(lease, AttemptOutcome.Succeeded);
        Assert.Equal(JobStatus.DeadLettered, harness.Get(running.Id).Status);
        Assert.Equal(0, harness.Scheduler.Unfinished);
        Assert.Equal(EnqueueOutcome.ShuttingDown, harness.Scheduler.Enqueue(
            new JobSubmission("t1", "default", new JobSpec(), JobOrigin.None) { ParentId = running.Id }).Outcome);
    }
}
