using Microsoft.Extensions.Time.Testing;

namespace Gateway.LoadGen.Tests.Reporting;

public sealed class ScenarioProgressTests
{
    private static readonly LoadProgress Snapshot = new(TimeSpan.FromSeconds(3), Sent: 300, Completed: 290, InFlight: 10, RatePerSecond: 99.6, Errors: 2, P99SoFarMs: 41.25);

    [Fact]
    public void Phase_OnATerminal_DrawsPhaseElapsedRemainingRateAndP99OnOneLine()
    {
        var time = new FakeTimeProvider();
        using var output = new StringWriter();
        var progress = new ScenarioProgress("fleet", TimeSpan.FromMinutes(10), output, interactive: true, time);
        time.Advance(TimeSpan.FromSeconds(75));

        progress.Phase("round 1/1, 80%")!(Snapshot);

        Assert.Equal("\rfleet: round 1/1, 80%  elapsed 1:15  remaining ~8:45  100/s  errors 2  p99 41.3 ms\u001b[K", output.ToString());
    }

    [Fact]
    public void Phase_PastThePlan_RemainingIsZero()
    {
        var time = new FakeTimeProvider();
        using var output = new StringWriter();
        var progress = new ScenarioProgress("ulq-sweep", TimeSpan.FromSeconds(30), output, interactive: true, time);
        time.Advance(TimeSpan.FromMinutes(61));

        progress.Phase("95%")!(Snapshot with { P99SoFarMs = double.NaN });

        Assert.Contains("elapsed 1:01:00  remaining ~0:00", output.ToString());
        Assert.Contains("p99 – ms", output.ToString());
    }

    [Fact]
    public void Phase_NotATerminal_GivesNoCallbackAndCompleteWritesNothing()
    {
        using var output = new StringWriter();
        var progress = new ScenarioProgress("overhead", TimeSpan.FromMinutes(1), output, interactive: false, new FakeTimeProvider());

        Assert.Null(progress.Phase("warm-up"));
        progress.Complete();
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void Complete_AfterADrawnLine_EndsItOnce()
    {
        using var output = new StringWriter();
        var progress = new ScenarioProgress("fleet", TimeSpan.FromMinutes(1), output, interactive: true, new FakeTimeProvider());
        progress.Phase("warm-up")!(Snapshot);

        progress.Complete();
        progress.Complete();

        Assert.EndsWith("\u001b[K" + Environment.NewLine, output.ToString());
        Assert.Single(output.ToString().Split(Environment.NewLine), l => l.Length == 0);
    }
}
