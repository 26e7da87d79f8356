using Gateway.LoadBalancing;

namespace Gateway.Tests.LoadBalancing;

public sealed class ClusterGateTests
{
    private static Dictionary<string, string> Limit(int limit, int? queueLength = null, string? timeout = null)
    {
        var metadata = new Dictionary<string, string> { [GatewayMetadata.ConcurrencyLimit] = limit.ToString() };
        if (queueLength is { } q)
        {
            metadata[GatewayMetadata.QueueLength] = q.ToString();
        }

        if (timeout is not null)
        {
            metadata[GatewayMetadata.QueueTimeout] = timeout;
        }

        return metadata;
    }

    private static Dictionary<string, int> InFlightByDestination(ClusterGate gate) =>
        gate.Snapshot().ToDictionary(s => s.DestinationId, s => s.InFlight);

    [Fact]
    public void TryAcquireLeastOutstanding_BurstWithoutReleases_SpreadsEvenly()
    {
        var cluster = new TestCluster(3);
        var gate = cluster.CreateGate();

        for (var i = 0; i < 30; i++)
        {
            Assert.NotNull(gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations));
        }

        Assert.Equal(new Dictionary<string, int> { ["d1"] = 10, ["d2"] = 10, ["d3"] = 10 }, InFlightByDestination(gate));
    }

    [Fact]
    public void TryAcquireLeastOutstanding_AllIdle_BreaksTiesAtRandom()
    {
        var cluster = new TestCluster(3);
        var gate = cluster.CreateGate();
        var picks = new Dictionary<string, int>();

        for (var i = 0; i < 300; i++)
        {
            using var lease = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;
            picks[lease.Destination.DestinationId] = picks.GetValueOrDefault(lease.Destination.DestinationId) + 1;
        }

        Assert.Equal(3, picks.Count);
        Assert.All(picks.Values, count => Assert.InRange(count, 60, 140));
    }

    [Fact]
    public void TryAcquireLeastOutstanding_PicksLeastBusyDestination()
    {
        var cluster = new TestCluster(2);
        var gate = cluster.CreateGate();
        var first = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;
        var second = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;
        Assert.NotEqual(first.Destination.DestinationId, second.Destination.DestinationId);

        first.Dispose();
        var third = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;

        Assert.Same(first.Destination, third.Destination);
    }

    [Fact]
    public void PeekLeastOutstanding_RanksLikeAcquireButCountsNothing()
    {
        var cluster = new TestCluster(2);
        var gate = cluster.CreateGate();
        var busy = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;

        var peeked = gate.PeekLeastOutstanding(cluster.Model, cluster.Destinations);
        var again = gate.PeekLeastOutstanding(cluster.Model, cluster.Destinations);

        Assert.NotEqual(busy.Destination.DestinationId, peeked!.DestinationId);
        Assert.Equal(peeked.DestinationId, again!.DestinationId);
        Assert.Equal(0, InFlightByDestination(gate)[peeked.DestinationId]);
        Assert.Equal(1, InFlightByDestination(gate)[busy.Destination.DestinationId]);
    }

    [Fact]
    public void Lease_DisposedTwice_ReleasesOnce()
    {
        var cluster = new TestCluster(1);
        var gate = cluster.CreateGate();
        var a = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;
        _ = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;

        a.Dispose();
        a.Dispose();

        Assert.Equal(1, InFlightByDestination(gate)["d1"]);
    }

    [Fact]
    public async Task AcquireAsync_AllDestinationsAtLimit_WaitsUntilASlotFrees()
    {
        var cluster = new TestCluster(2, Limit(1));
        var gate = cluster.CreateGate();
        var a = await gate.AcquireAsync(cluster.Model, cluster.Destinations, default);
        var b = await gate.AcquireAsync(cluster.Model, cluster.Destinations, default);
        Assert.Equal(GateOutcome.Granted, a.Outcome);
        Assert.NotEqual(a.Lease!.Destination.DestinationId, b.Lease!.Destination.DestinationId);

        var waiting = gate.AcquireAsync(cluster.Model, cluster.Destinations, default).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, gate.QueueLength);

        a.Lease.Dispose();
        var c = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(GateOutcome.Granted, c.Outcome);
        Assert.Same(a.Lease.Destination, c.Lease!.Destination);
        Assert.Equal(0, gate.QueueLength);
        Assert.All(InFlightByDestination(gate).Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task AcquireAsync_SeveralWaiters_OldestTakesEachFreedSlot()
    {
        var cluster = new TestCluster(1, Limit(1));
        var gate = cluster.CreateGate();
        var held = (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!;
        var waiters = Enumerable.Range(0, 3).Select(_ => gate.AcquireAsync(cluster.Model, cluster.Destinations, default).AsTask()).ToArray();

        held.Dispose();
        var first = await waiters[0].WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(waiters[1].IsCompleted);
        Assert.False(waiters[2].IsCompleted);

        first.Lease!.Dispose();
        var second = await waiters[1].WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(waiters[2].IsCompleted);
        Assert.Equal(GateOutcome.Granted, second.Outcome);
        Assert.Equal(1, gate.QueueLength);
    }

    [Fact]
    public async Task AcquireAsync_QueueFull_RejectsAtOnce()
    {
        var cluster = new TestCluster(1, Limit(1, queueLength: 1));
        var gate = cluster.CreateGate();
        _ = await gate.AcquireAsync(cluster.Model, cluster.Destinations, default);
        var queued = gate.AcquireAsync(cluster.Model, cluster.Destinations, default).AsTask();

        var rejected = await gate.AcquireAsync(cluster.Model, cluster.Destinations, default);

        Assert.Equal(GateOutcome.QueueFull, rejected.Outcome);
        Assert.Null(rejected.Lease);
        Assert.False(queued.IsCompleted);
    }

    [Fact]
    public async Task AcquireAsync_ZeroQueueLength_RejectsWhenFull()
    {
        var cluster = new TestCluster(1, Limit(1, queueLength: 0));
        var gate = cluster.CreateGate();
        _ = await gate.AcquireAsync(cluster.Model, cluster.Destinations, default);

        var rejected = await gate.AcquireAsync(cluster.Model, cluster.Destinations, default);

        Assert.Equal(GateOutcome.QueueFull, rejected.Outcome);
    }

    [Fact]
    public async Task AcquireAsync_NoSlotWithinTimeout_ReturnsQueueTimeoutAndLeavesQueue()
    {
        var cluster = new TestCluster(1, Limit(1, timeout: "00:00:05"));
        var gate = cluster.CreateGate();
        var held = (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!;
        var waiting = gate.AcquireAsync(cluster.Model, cluster.Destinations, default).AsTask();

        cluster.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(waiting.IsCompleted);
        cluster.Time.Advance(TimeSpan.FromSeconds(0.2));
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(GateOutcome.QueueTimeout, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(5.1), result.Waited);
        Assert.Equal(0, gate.QueueLength);
        held.Dispose();
        Assert.Equal(0, InFlightByDestination(gate)["d1"]);
    }

    [Fact]
    public async Task AcquireAsync_ClientAbortsWhileQueued_LeavesQueueAndTakesNoSlot()
    {
        var cluster = new TestCluster(1, Limit(1));
        var gate = cluster.CreateGate();
        var held = (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!;
        using var client = new CancellationTokenSource();
        var waiting = gate.AcquireAsync(cluster.Model, cluster.Destinations, client.Token).AsTask();
        Assert.Equal(1, gate.QueueLength);

        client.Cancel();
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(GateOutcome.ClientAborted, result.Outcome);
        Assert.Equal(0, gate.QueueLength);
        held.Dispose();
        Assert.Equal(0, InFlightByDestination(gate)["d1"]);
    }

    [Fact]
    public async Task AcquireAsync_SlotFreeAtOnce_AllocatesOnlyTheLease()
    {
        var cluster = new TestCluster(2, Limit(4));
        var gate = cluster.CreateGate();
        (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!.Dispose(); // first call's one-offs

        const int Requests = 100;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Requests; i++)
        {
            var acquired = gate.AcquireAsync(cluster.Model, cluster.Destinations, default);
            Assert.True(acquired.IsCompletedSuccessfully); // so the awaits below stay on this thread
            (await acquired).Lease!.Dispose();
        }

        // A lease is about 56 bytes; a waiter made and dropped for every request (its completion source and task) was
        // about 150 more, on every proxied request.
        var perRequest = (GC.GetAllocatedBytesForCurrentThread() - before) / Requests;
        Assert.InRange(perRequest, 1, 80);
    }

    [Fact]
    public async Task AcquireAsync_ClientGoneBeforeQueueing_AbandonsAtOnceAndTheFreedSlotStaysFree()
    {
        var cluster = new TestCluster(1, Limit(1));
        var gate = cluster.CreateGate();
        var held = (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!;

        // The registration on an already-cancelled token abandons the waiter as the gate arms it.
        var result = await gate.AcquireAsync(cluster.Model, cluster.Destinations, new CancellationToken(canceled: true))
            .AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(GateOutcome.ClientAborted, result.Outcome);
        Assert.Equal(0, gate.QueueLength);
        held.Dispose();
        Assert.Equal(0, InFlightByDestination(gate)["d1"]);
    }

    [Fact]
    public async Task AcquireAsync_UnknownLimit_ProbesWithOneRequestUntilTheUpstreamReports()
    {
        var cluster = new TestCluster(1);
        var gate = cluster.CreateGate();
        var probe = (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!;
        var second = gate.AcquireAsync(cluster.Model, cluster.Destinations, default).AsTask();
        var third = gate.AcquireAsync(cluster.Model, cluster.Destinations, default).AsTask();
        Assert.False(second.IsCompleted);

        gate.ReportLoad(probe, reportedInFlight: 1, reportedLimit: 3);

        Assert.Equal(GateOutcome.Granted, (await second.WaitAsync(TimeSpan.FromSeconds(5))).Outcome);
        Assert.Equal(GateOutcome.Granted, (await third.WaitAsync(TimeSpan.FromSeconds(5))).Outcome);
        Assert.Equal(3, gate.Snapshot().Single().Limit);
        var fourth = gate.AcquireAsync(cluster.Model, cluster.Destinations, default).AsTask();
        Assert.False(fourth.IsCompleted);
    }

    [Fact]
    public async Task AcquireAsync_UpstreamSendsNoLoadReport_TreatsDestinationAsUnlimited()
    {
        var cluster = new TestCluster(1);
        var gate = cluster.CreateGate();
        var probe = (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!;

        gate.ReportLoad(probe, reportedInFlight: null, reportedLimit: null);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(GateOutcome.Granted, (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Outcome);
        }
    }

    [Fact]
    public async Task AcquireAsync_DestinationMetadataLimit_OverridesClusterLimit()
    {
        var cluster = new TestCluster(1, Limit(5), destinationLimit: 2);
        var gate = cluster.CreateGate();

        Assert.Equal(GateOutcome.Granted, (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Outcome);
        Assert.Equal(GateOutcome.Granted, (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Outcome);
        var third = gate.AcquireAsync(cluster.Model, cluster.Destinations, default).AsTask();

        Assert.False(third.IsCompleted);
        Assert.Equal(2, gate.Snapshot().Single().Limit);
    }

    [Fact]
    public async Task ReportLoad_OtherCallersBusy_BreaksTiesTowardTheIdlerDestination()
    {
        var cluster = new TestCluster(2, Limit(4));
        var gate = cluster.CreateGate();
        var d1 = cluster.Destinations[0];
        var mine = (await gate.AcquireAsync(cluster.Model, [d1], default)).Lease!;

        // d1 counts 4 in flight, one of them ours: another replica holds 3 there.
        gate.ReportLoad(mine, reportedInFlight: 4, reportedLimit: 4);
        mine.Dispose();

        // Both are idle by our own count, so the reports decide, every time.
        for (var i = 0; i < 20; i++)
        {
            using var lease = (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!;
            Assert.Equal("d2", lease.Destination.DestinationId);
        }
    }

    [Fact]
    public async Task ReportLoad_OtherCallersFillTheLimit_NeverHoldARequestBack()
    {
        var cluster = new TestCluster(1, Limit(2));
        var gate = cluster.CreateGate();
        var mine = (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!;

        // Another replica holds 9: a report a round trip old. Acting on it would idle slots it may have freed since,
        // so only this gateway's own requests count against the limit.
        gate.ReportLoad(mine, reportedInFlight: 10, reportedLimit: 2);
        var second = await gate.AcquireAsync(cluster.Model, cluster.Destinations, default);
        var third = gate.AcquireAsync(cluster.Model, cluster.Destinations, default).AsTask();

        Assert.Equal(GateOutcome.Granted, second.Outcome);
        Assert.False(third.IsCompleted);
        mine.Dispose();
        Assert.Equal(GateOutcome.Granted, (await third.WaitAsync(TimeSpan.FromSeconds(5))).Outcome);
    }

    [Fact]
    public async Task ReportLoad_UseReportedInFlightOff_TiesAtRandom()
    {
        var cluster = new TestCluster(2, Limit(4));
        cluster.Options.LoadBalancing.UseReportedInFlight = false;
        var gate = cluster.CreateGate();
        var mine = (await gate.AcquireAsync(cluster.Model, [cluster.Destinations[0]], default)).Lease!;
        gate.ReportLoad(mine, reportedInFlight: 4, reportedLimit: 4);
        mine.Dispose();

        var picks = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            using var lease = (await gate.AcquireAsync(cluster.Model, cluster.Destinations, default)).Lease!;
            picks.Add(lease.Destination.DestinationId);
        }

        Assert.Equal(["d1", "d2"], picks.Order());
    }

    [Fact]
    public async Task TryAcquireLeastOutstanding_OtherCallersBusy_IgnoresTheirReports()
    {
        var cluster = new TestCluster(2, Limit(4));
        var gate = cluster.CreateGate();
        var mine = (await gate.AcquireAsync(cluster.Model, [cluster.Destinations[0]], default)).Lease!;
        gate.ReportLoad(mine, reportedInFlight: 4, reportedLimit: 4);
        mine.Dispose();

        var picks = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            using var lease = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;
            picks.Add(lease.Destination.DestinationId);
        }

        Assert.Equal(["d1", "d2"], picks.Order());
    }
}
