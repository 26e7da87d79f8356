using Gateway.Admission;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Admission;

/// <summary>Shedding with the default classes: high (priority 2, SLO 5 s), default (1, 30 s), low (0, 5 min).</summary>
public sealed class ClusterSheddingTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();
    private readonly AdmissionOptions _options = new();
    private readonly ClusterShedding _cluster;
    private readonly PriorityLadder _ladder;

    public ClusterSheddingTests()
    {
        _cluster = new ClusterShedding("jobs", _time);
        _ladder = PriorityLadder.For(_options, null);
    }

    [Fact]
    public void NoReports_ShedsNothing()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.False(Shed("low"));
            _time.Advance(Interval);
        }

        Assert.Equal(0, _cluster.Level);
    }

    [Fact]
    public void BacklogOlderThanAnSlo_ShedsOneMoreLevelEachInterval_LowestFirst_NeverTheHighest()
    {
        Assert.False(Shed("low")); // First look: nothing reported yet.
        _cluster.Record("high", 6_000); // High's backlog is 1.2 × its 5 s SLO.

        _time.Advance(Interval);
        Assert.True(Shed("low"));
        Assert.False(Shed("default"));
        Assert.Equal(1, _cluster.Level);

        _time.Advance(Interval);
        Assert.True(Shed("default"));
        Assert.True(Shed("low"));
        Assert.False(Shed("high"));

        _time.Advance(Interval);
        Assert.False(Shed("high"));
        Assert.Equal(2, _cluster.Level);
    }

    [Fact]
    public void WithinAnInterval_TheLevelHolds()
    {
        Shed("low");
        _cluster.Record("high", 60_000);
        _time.Advance(Interval);
        Assert.True(Shed("low"));

        _time.Advance(Interval / 2);
        Assert.False(Shed("default"));
        Assert.Equal(1, _cluster.Level);
    }

    [Fact]
    public void PressureBetweenRecoverBelowAndOne_HoldsTheLevel_ThenBelowItAClassComesBack()
    {
        Shed("low");
        _cluster.Record("high", 6_000);
        _time.Advance(Interval);
        Assert.True(Shed("low"));

        _cluster.Record("high", 4_500); // 0.9 of the SLO: above RecoverBelow (0.8), below 1.
        _time.Advance(Interval);
        Assert.True(Shed("low"));
        Assert.Equal(1, _cluster.Level);

        _cluster.Record("high", 1_000);
        _time.Advance(Interval);
        Assert.False(Shed("low"));
        Assert.Equal(0, _cluster.Level);
    }

    [Fact]
    public void AShedClassesOwnOldReport_DoesNotHoldTheLevelUp()
    {
        Shed("low");
        _cluster.Record("low", 600_000); // Twice low's 5 min SLO.
        _time.Advance(Interval);
        Assert.True(Shed("low"));

        // Low sends nothing now; its report stays old, but only admitted classes count.
        _time.Advance(Interval);
        Assert.False(Shed("low"));
    }

    [Fact]
    public void StaleReports_AreIgnored()
    {
        Shed("low");
        _cluster.Record("high", 60_000);
        _time.Advance(_options.Backpressure.ReportTtl + TimeSpan.FromSeconds(1));

        Assert.False(Shed("low"));
        Assert.Equal(0, _cluster.Level);
    }

    [Fact]
    public void ClassesSharingAPriority_AreShedTogether()
    {
        var options = new AdmissionOptions
        {
            Classes = new Dictionary<string, PriorityClassOptions>
            {
                ["interactive"] = new() { Priority = 5, Slo = TimeSpan.FromSeconds(1) },
                ["batch"] = new() { Priority = 0, Slo = TimeSpan.FromSeconds(1) },
                ["reports"] = new() { Priority = 0, Slo = TimeSpan.FromSeconds(1) },
            },
            DefaultClass = "interactive",
        };
        var ladder = PriorityLadder.For(options, null);
        _cluster.IsShed(ladder, "batch", options.Backpressure);
        _cluster.Record("interactive", 2_000);
        _time.Advance(Interval);

        Assert.True(_cluster.IsShed(ladder, "batch", options.Backpressure));
        Assert.True(_cluster.IsShed(ladder, "reports", options.Backpressure));
        Assert.False(_cluster.IsShed(ladder, "interactive", options.Backpressure));
        Assert.Equal(1, ladder.MaxLevel);
    }

    private bool Shed(string className) => _cluster.IsShed(_ladder, className, _options.Backpressure);
}
