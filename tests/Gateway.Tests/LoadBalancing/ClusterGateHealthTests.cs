using Gateway.Balancing;
using Gateway.LoadBalancing;
using Gateway.UpstreamFeedback;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests.LoadBalancing;

/// <summary>Passive health, hold-backs and learned limits in the gate, on a fake clock.</summary>
public sealed class ClusterGateHealthTests
{
    /// <summary>A gate that has seen every destination once, as it has after any request in a running gateway.</summary>
    private static ClusterGate Gate(TestCluster cluster)
    {
        var gate = cluster.CreateGate();
        Acquire(gate, cluster).Dispose();
        return gate;
    }

    private static DestinationLease Acquire(ClusterGate gate, TestCluster cluster, IReadOnlyList<DestinationState>? candidates = null) =>
        gate.TryAcquireLeastOutstanding(cluster.Model, candidates ?? cluster.Destinations)!;

    private static HealthEvent Fail(ClusterGate gate, TestCluster cluster, DestinationState destination)
    {
        using var lease = Acquire(gate, cluster, [destination]);
        return gate.RecordOutcome(lease, UpstreamFailureKind.ConnectionRefused);
    }

    private static HealthEvent Succeed(ClusterGate gate, TestCluster cluster, DestinationState destination)
    {
        using var lease = Acquire(gate, cluster, [destination]);
        return gate.RecordOutcome(lease, UpstreamFailureKind.None);
    }

    private static Dictionary<string, int> Picks(ClusterGate gate, TestCluster cluster, int count)
    {
        var picks = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            using var lease = Acquire(gate, cluster);
            picks[lease.Destination.DestinationId] = picks.GetValueOrDefault(lease.Destination.DestinationId) + 1;
        }

        return picks;
    }

    [Fact]
    public void RecordOutcome_ConsecutiveFailuresReachThreshold_EjectsForTheReactivationPeriod()
    {
        var cluster = new TestCluster(3);
        var gate = Gate(cluster);
        var d1 = cluster.Destinations[0];

        Assert.Equal(HealthEventKind.None, Fail(gate, cluster, d1).Kind);
        Assert.Equal(HealthEventKind.None, Fail(gate, cluster, d1).Kind);
        var ejected = Fail(gate, cluster, d1);

        Assert.Equal(HealthEventKind.Ejected, ejected.Kind);
        Assert.Equal("consecutive_failures", ejected.Reason);
        Assert.Equal(cluster.Options.Health.ReactivationPeriod, ejected.Duration);
        Assert.Contains(gate.Snapshot(), s => s.DestinationId == "d1" && s.Ejected);
        Assert.DoesNotContain("d1", Picks(gate, cluster, 60).Keys);

        cluster.Time.Advance(cluster.Options.Health.ReactivationPeriod);
        Assert.DoesNotContain(gate.Snapshot(), s => s.Ejected);
    }

    [Fact]
    public void RecordOutcome_SuccessBetweenFailures_ResetsTheCount()
    {
        var cluster = new TestCluster(3);
        cluster.Options.Health.FailureRatioMinRequests = 1000; // Two thirds fail: only the consecutive rule is under test.
        var gate = Gate(cluster);
        var d1 = cluster.Destinations[0];

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HealthEventKind.None, Fail(gate, cluster, d1).Kind);
            Assert.Equal(HealthEventKind.None, Fail(gate, cluster, d1).Kind);
            Assert.Equal(HealthEventKind.None, Succeed(gate, cluster, d1).Kind);
        }
    }

    [Fact]
    public void RecordOutcome_FailureRatioOverTheWindow_Ejects()
    {
        var cluster = new TestCluster(3);
        cluster.Options.Health.ConsecutiveFailures = 100;
        var gate = Gate(cluster);
        var d1 = cluster.Destinations[0];

        // Alternating: never two failures in a row, but half of the window's requests fail.
        var events = new List<HealthEvent>();
        for (var i = 0; i < 10; i++)
        {
            events.Add(Succeed(gate, cluster, d1));
            events.Add(Fail(gate, cluster, d1));
        }

        Assert.Equal(HealthEventKind.Ejected, events[^1].Kind);
        Assert.Equal("failure_ratio", events[^1].Reason);
        Assert.All(events[..^1], e => Assert.Equal(HealthEventKind.None, e.Kind));
    }

    [Fact]
    public void PickLeastOutstanding_DestinationThatJustFailed_RanksBelowBusierOnes()
    {
        var cluster = new TestCluster(2);
        var gate = Gate(cluster);
        var (d1, d2) = (cluster.Destinations[0], cluster.Destinations[1]);
        var busy = Enumerable.Range(0, 5).Select(_ => Acquire(gate, cluster, [d2])).ToList();

        // d1 fails fast, so it is idle, but it must not look free.
        Fail(gate, cluster, d1);

        Assert.Equal(new Dictionary<string, int> { ["d2"] = 20 }, Picks(gate, cluster, 20));
        busy.ForEach(l => l.Dispose());
    }

    [Fact]
    public void AfterReactivation_HalfOpen_OneRequestThenDoublingUntilRecovered()
    {
        var cluster = new TestCluster(2, destinationLimit: 8);
        var gate = Gate(cluster);
        var d1 = cluster.Destinations[0];
        for (var i = 0; i < 3; i++)
        {
            Fail(gate, cluster, d1);
        }

        cluster.Time.Advance(cluster.Options.Health.ReactivationPeriod);

        // Half-open: d1 takes one request; while it runs, the next ones go elsewhere.
        var first = Assert.IsType<DestinationLease>(AcquireWithLimits(gate, cluster, [d1]));
        Assert.Null(AcquireWithLimits(gate, cluster, [d1]));
        Assert.Equal(HealthEventKind.None, gate.RecordOutcome(first, UpstreamFailureKind.None).Kind);
        first.Dispose();

        // 1 → 2 → 4 → 8 (its limit): two more successes reach 8, which is full rotation.
        var held = new List<DestinationLease> { AcquireWithLimits(gate, cluster, [d1])!, AcquireWithLimits(gate, cluster, [d1])! };
        Assert.Null(AcquireWithLimits(gate, cluster, [d1]));
        Assert.Equal(HealthEventKind.None, gate.RecordOutcome(held[0], UpstreamFailureKind.None).Kind);
        Assert.Equal(HealthEventKind.Recovered, gate.RecordOutcome(held[1], UpstreamFailureKind.None).Kind);
        held.ForEach(l => l.Dispose());
        var full = Enumerable.Range(0, 8).Select(_ => AcquireWithLimits(gate, cluster, [d1])).ToList();
        Assert.All(full, Assert.NotNull);
    }

    [Fact]
    public void AfterReactivation_FailureWhileHalfOpen_EjectsAgainAtOnce()
    {
        var cluster = new TestCluster(2);
        var gate = Gate(cluster);
        var d1 = cluster.Destinations[0];
        for (var i = 0; i < 3; i++)
        {
            Fail(gate, cluster, d1);
        }

        cluster.Time.Advance(cluster.Options.Health.ReactivationPeriod);
        var again = Fail(gate, cluster, d1);

        Assert.Equal(HealthEventKind.Ejected, again.Kind);
        Assert.Equal("half_open_failure", again.Reason);
    }

    [Fact]
    public void RecordOutcome_EveryDestinationFailing_NeverEjectsTheLastOneInRotation()
    {
        var cluster = new TestCluster(2);
        cluster.Options.Health.MaxEjectedPercent = 100;
        var gate = Gate(cluster);
        foreach (var destination in cluster.Destinations)
        {
            for (var i = 0; i < 5; i++)
            {
                Fail(gate, cluster, destination);
            }
        }

        Assert.Equal(1, gate.Snapshot().Count(s => s.Ejected));
    }

    [Fact]
    public void RecordOutcome_ThreeOfSixFailingAtHalf_EjectsThree()
    {
        var cluster = new TestCluster(6);
        var gate = Gate(cluster);
        foreach (var destination in cluster.Destinations.Take(4))
        {
            for (var i = 0; i < 3; i++)
            {
                Fail(gate, cluster, destination);
            }
        }

        Assert.Equal(3, gate.Snapshot().Count(s => s.Ejected));
    }

    [Fact]
    public void RecordOutcome_503WithRetryAfter_HoldsBackWithoutEjectingThenReturns()
    {
        var cluster = new TestCluster(2);
        var gate = Gate(cluster);
        var d1 = cluster.Destinations[0];
        using (var lease = Acquire(gate, cluster, [d1]))
        {
            var held = gate.RecordOutcome(lease, UpstreamFailureKind.None, TimeSpan.FromSeconds(3));
            Assert.Equal(HealthEventKind.HeldBack, held.Kind);
            Assert.Equal(TimeSpan.FromSeconds(3), held.Duration);
        }

        Assert.DoesNotContain(gate.Snapshot(), s => s.Ejected);
        Assert.Equal(new Dictionary<string, int> { ["d2"] = 30 }, Picks(gate, cluster, 30));

        cluster.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Contains("d1", Picks(gate, cluster, 30).Keys);
    }

    [Fact]
    public async Task AcquireAsync_OnlyDestinationHeldBack_WaitsInTheQueueUntilTheHoldEnds()
    {
        var cluster = new TestCluster(1, destinationLimit: 4);
        var gate = Gate(cluster);
        var d1 = cluster.Destinations[0];
        using (var lease = Acquire(gate, cluster))
        {
            gate.RecordOutcome(lease, UpstreamFailureKind.None, TimeSpan.FromSeconds(2));
        }

        var waiting = gate.AcquireAsync(cluster.Model, cluster.Destinations, CancellationToken.None).AsTask();
        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted);

        cluster.Time.Advance(TimeSpan.FromSeconds(1.1));
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(GateOutcome.Granted, result.Outcome);
        Assert.Same(d1, result.Lease!.Destination);
        result.Lease.Dispose();
    }

    [Fact]
    public void ProbeSucceeded_BeforeAnyTraffic_ColdBurstSpreadsWithoutQueueing()
    {
        var cluster = new TestCluster(3);
        var gate = Gate(cluster);
        foreach (var destination in cluster.Destinations)
        {
            gate.ProbeSucceeded(destination.DestinationId, 12);
        }

        var leases = Enumerable.Range(0, 20).Select(_ => AcquireWithLimits(gate, cluster, cluster.Destinations)).ToList();

        Assert.All(leases, Assert.NotNull);
        var spread = leases.GroupBy(l => l!.Destination.DestinationId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, spread.Count);
        Assert.All(spread.Values, n => Assert.InRange(n, 6, 7));
    }

    [Fact]
    public void ProbeSucceeded_WhileEjected_EndsTheEjectionHalfOpen()
    {
        var cluster = new TestCluster(2, destinationLimit: 8);
        var gate = Gate(cluster);
        var d1 = cluster.Destinations[0];
        for (var i = 0; i < 3; i++)
        {
            Fail(gate, cluster, d1);
        }

        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        gate.ProbeSucceeded("d1", limit: null);

        Assert.DoesNotContain(gate.Snapshot(), s => s.Ejected);
        Assert.NotNull(AcquireWithLimits(gate, cluster, [d1]));
        Assert.Null(AcquireWithLimits(gate, cluster, [d1])); // Half-open: one at a time.
    }

    [Fact]
    public void ColdDestinations_WithoutProbes_EachGetsOneRequestInsteadOfStarving()
    {
        var cluster = new TestCluster(3);
        var gate = Gate(cluster);

        // d1 has told its limit; d2 and d3 never had a request. Ranking by share in use keeps them in the running.
        gate.ProbeSucceeded("d1", 64);
        var leases = Enumerable.Range(0, 3).Select(_ => AcquireWithLimits(gate, cluster, cluster.Destinations)).ToList();

        Assert.Equal(["d1", "d2", "d3"], leases.Select(l => l!.Destination.DestinationId).Order());
    }

    /// <summary>A slot if one is free now; null (after leaving the queue again) when the request would have to wait.</summary>
    private static DestinationLease? AcquireWithLimits(ClusterGate gate, TestCluster cluster, IReadOnlyList<DestinationState> candidates)
    {
        using var cancel = new CancellationTokenSource();
        var pending = gate.AcquireAsync(cluster.Model, candidates, cancel.Token);
        if (pending.IsCompleted)
        {
            return pending.Result.Lease;
        }

        cancel.Cancel();
        var result = pending.AsTask().GetAwaiter().GetResult();
        Assert.Equal(GateOutcome.ClientAborted, result.Outcome);
        return null;
    }
}
