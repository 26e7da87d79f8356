using Gateway.LoadBalancing;
using Gateway.UpstreamFeedback;

namespace Gateway.Tests.LoadBalancing;

/// <summary>The lease is the one place a slot is freed: at the response headers or at the end of forwarding, once.</summary>
public sealed class DestinationLeaseTests
{
    private static int InFlight(ClusterGate gate) => gate.Snapshot().Sum(s => s.InFlight);

    [Fact]
    public void OnResponseHeaders_ReleaseOnResponseHeaders_FreesTheSlotOnceAndDisposeDoesNotAgain()
    {
        var cluster = new TestCluster(1);
        var gate = cluster.CreateGate();
        var lease = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;
        var other = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;

        lease.OnResponseHeaders(new LoadReport(InFlight: 2, Limit: 4), upstreamLocalQueue: null);

        Assert.Equal(1, InFlight(gate));
        lease.Dispose();
        Assert.Equal(1, InFlight(gate));
        other.Dispose();
        Assert.Equal(0, InFlight(gate));
    }

    [Fact]
    public void OnResponseHeaders_ReleaseOnResponseEnd_KeepsTheSlotUntilDisposed()
    {
        var cluster = new TestCluster(1);
        cluster.Options.LoadBalancing.ReleaseOn = SlotRelease.ResponseEnd;
        var gate = cluster.CreateGate();
        var lease = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;

        lease.OnResponseHeaders(new LoadReport(InFlight: 1, Limit: 4), upstreamLocalQueue: TimeSpan.FromMilliseconds(3));

        Assert.Equal(1, InFlight(gate));
        lease.Dispose();
        Assert.Equal(0, InFlight(gate));
    }

    [Fact]
    public void OnResponseHeaders_LoadReport_TeachesTheGateTheLimit()
    {
        var cluster = new TestCluster(1);
        var gate = cluster.CreateGate();
        using var lease = gate.TryAcquireLeastOutstanding(cluster.Model, cluster.Destinations)!;

        lease.OnResponseHeaders(new LoadReport(InFlight: 1, Limit: 7), upstreamLocalQueue: null);

        Assert.Equal(7, Assert.Single(gate.Snapshot()).Limit);
    }
}
