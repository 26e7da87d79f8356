using Gateway.LoadTests.Failover;

namespace Gateway.LoadTests.Tests.Failover;

public sealed class FailoverMeasuresTests
{
    private static readonly FailoverTimeline KillAt6RestartAt12 =
        new(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(12), ListeningAt: TimeSpan.FromSeconds(12.8));

    private static readonly SequentialResult Sequential = new(100, 2);

    [Fact]
    public void Compute_FailuresAroundAKill_CountsThemAndTimesTrafficOffAndBack()
    {
        FailoverRequest[] requests =
        [
            Ok(1.0, "upstream-1"),
            Ok(5.9, "upstream-1"),
            Failed(6.0, 502),                                    // In flight at the kill.
            Failed(6.5, 0, "connection_refused"),
            Failed(7.2, 502, reason: "connection_refused"),     // The last failure: traffic off 1.2 s after the kill.
            Ok(7.5, "upstream-2", latencyMs: 30),
            Ok(12.5, "upstream-2"),
            Ok(13.1, "upstream-1"),                              // Back 1.1 s after the restart.
            Ok(14.0, "upstream-1"),
        ];

        var row = FailoverMeasures.Compute("kill", "ours", requests, KillAt6RestartAt12, "upstream-1", Sequential, inFlightAfter: 0);

        Assert.Equal(9, row.Requests);
        Assert.Equal(3, row.Errors);
        Assert.Equal(100.0 * 3 / 9, row.ErrorPercent, precision: 9);
        Assert.Equal(1, row.ErrorsAfterGrace);
        Assert.Equal(1200, row.TrafficOffMs!.Value, precision: 6);
        Assert.Equal(1100, row.BackMs!.Value, precision: 6);
        Assert.Equal(800, row.ListeningMs!.Value, precision: 6);
        Assert.Equal(new Dictionary<string, int> { ["502"] = 1, ["502 connection_refused"] = 1, ["connection_refused"] = 1 }, row.Failures);
        Assert.Equal(Sequential, row.Sequential);
        Assert.Equal(0, row.InFlightAfter);
    }

    [Fact]
    public void Compute_ASlowSuccessBeforeRecovery_CountsAsAffected()
    {
        FailoverRequest[] requests = [Ok(6.1, "upstream-2"), Ok(8.0, "upstream-3", latencyMs: 4_000), Ok(9.0, "upstream-3")];

        var row = FailoverMeasures.Compute("stop", "HAProxy", requests, KillAt6RestartAt12, "upstream-2", Sequential, null);

        Assert.Equal(0, row.Errors);
        Assert.Equal(2000, row.TrafficOffMs!.Value, precision: 6);
        Assert.Equal(4_000, row.MaxMs);
    }

    [Fact]
    public void Compute_NothingAffectedAndTheUpstreamNeverBack_GivesNulls()
    {
        // A failure after recovery is not "traffic still going to the failed upstream"; an answer from it sent before
        // recovery is not "back".
        FailoverRequest[] requests = [Ok(5.0, "upstream-1"), Ok(6.5, "upstream-2"), Failed(12.5, 503), Ok(13.0, "upstream-2")];

        var row = FailoverMeasures.Compute("kill", "stock YARP", requests, KillAt6RestartAt12, "upstream-1", Sequential, null);

        Assert.Null(row.TrafficOffMs);
        Assert.Null(row.BackMs);
        Assert.Equal(1, row.ErrorsAfterGrace);
    }

    [Fact]
    public void Compute_P99AndMax_IncludeFailedRequests()
    {
        var requests = Enumerable.Range(0, 99).Select(i => Ok(i / 10.0, "upstream-3", latencyMs: 20))
            .Append(Failed(6.5, 504, latencyMs: 5_000))
            .ToList();

        var row = FailoverMeasures.Compute("stop", "ours", requests, KillAt6RestartAt12 with { ListeningAt = null }, "upstream-2", Sequential, 0);

        Assert.Equal(20, row.P99Ms);
        Assert.Equal(5_000, row.MaxMs);
        Assert.Null(row.ListeningMs);
    }

    private static FailoverRequest Ok(double sentAtSeconds, string service, double latencyMs = 20) =>
        new(TimeSpan.FromSeconds(sentAtSeconds), latencyMs, 200, service, null);

    private static FailoverRequest Failed(double sentAtSeconds, int status, string? error = null, double latencyMs = 2, string? reason = null) =>
        new(TimeSpan.FromSeconds(sentAtSeconds), latencyMs, status, null, error, reason);
}
