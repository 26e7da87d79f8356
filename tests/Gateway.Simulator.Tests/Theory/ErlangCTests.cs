namespace Gateway.Simulator.Tests.Theory;

public sealed class ErlangCTests
{
    [Fact]
    public void WaitProbability_TwoServersOneErlang_IsOneThird()
    {
        // a²/2 / (1 − a/2) over (1 + a + that) with a = 1: (1/2 · 2) / (2 + 1) = 1/3.
        Assert.Equal(1.0 / 3, ErlangC.WaitProbability(2, 1), 12);
    }

    [Fact]
    public void WaitProbability_OneServer_IsUtilization()
    {
        // M/M/1: an arrival waits exactly when the server is busy, which it is a share ρ of the time.
        Assert.Equal(0.7, ErlangC.WaitProbability(1, 0.7), 12);
        Assert.Equal(0.7 / 0.3, ErlangC.MeanWait(1, 0.7, 1), 12);
    }

    [Fact]
    public void MeanWait_ThreeServersArrivalRateTwo_MatchesTextbookExample()
    {
        // The classic M/M/3 example with λ = 2, μ = 1: P0 = 1/9, P(wait) = 4/9, Lq = 8/9, Wq = Lq / λ = 4/9.
        Assert.Equal(4.0 / 9, ErlangC.WaitProbability(3, 2), 12);
        Assert.Equal(4.0 / 9, ErlangC.MeanWait(3, 2, 1), 12);
    }

    [Fact]
    public void WaitProbability_TenAgentsEightErlangs_MatchesCallCentreTable()
    {
        // Erlang C tables (call-centre staffing): 10 agents, 8 erlangs → 40.9% of calls wait.
        Assert.Equal(0.4092, ErlangC.WaitProbability(10, 8), 4);
    }

    [Fact]
    public void WaitProbability_ManyServers_StaysFinite()
    {
        // 1200 servers at 95%: a^c / c! alone would overflow a double; the recurrence does not. The Halfin–Whitt
        // approximation, 1 / (1 + β·Φ(β)/φ(β)) with β = (c − a)/√a ≈ 1.78, gives about 0.046.
        var probability = ErlangC.WaitProbability(1200, 1140);
        Assert.InRange(probability, 0.04, 0.06);
    }
}
