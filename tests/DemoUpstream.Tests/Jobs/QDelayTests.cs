using DemoUpstream.Jobs;

namespace DemoUpstream.Tests.Jobs;

public sealed class QDelayTests
{
    private static QDelay Parse(string serviceName, params (string Key, string? Value)[] entries) =>
        QDelay.Parse(entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)), serviceName);

    [Fact]
    public void Parse_NoQDelayEntries_ReturnsNone()
    {
        var qdelay = Parse("demo", ("user", "42"), ("qdelay.other", "5"));

        Assert.Same(QDelay.None, qdelay);
        Assert.Equal(TimeSpan.Zero, qdelay.Sample(new JitterSource(new Random(1))));
    }

    [Fact]
    public void Parse_AllThreeEntries_ReadsBaseJitterAndThisServicesOverride()
    {
        var qdelay = Parse("orders", ("qdelay.ms", "100"), ("qdelay.jitter_ms", "20"), ("qdelay.svc.orders", "300"), ("qdelay.svc.billing", "7"));

        Assert.Equal(100, qdelay.BaseMs);
        Assert.Equal(20, qdelay.JitterMs);
        Assert.Equal(300, qdelay.ServiceMs);
        Assert.Empty(qdelay.Invalid);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData(" 5")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("900001")]
    [InlineData("99999999999999999999")]
    public void Parse_ValueNotWholeMillisecondsUpTo900000_IsIgnoredAndListed(string? value)
    {
        var qdelay = Parse("demo", ("qdelay.ms", value), ("qdelay.jitter_ms", value), ("qdelay.svc.demo", value), ("qdelay.svc.other", value));

        Assert.Null(qdelay.BaseMs);
        Assert.Null(qdelay.JitterMs);
        Assert.Null(qdelay.ServiceMs);
        // Another service's override is that service's business: not counted here.
        Assert.Equal(["ms", "jitter_ms", "svc"], qdelay.Invalid);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("900000", 900_000)]
    [InlineData("007", 7)]
    public void Parse_BoundaryValues_AreAccepted(string value, long expected)
    {
        Assert.Equal(expected, Parse("demo", ("qdelay.ms", value)).BaseMs);
    }

    [Fact]
    public void Parse_RepeatedKey_FirstEntryWins()
    {
        var qdelay = Parse("demo", ("qdelay.ms", "10"), ("qdelay.ms", "20"), ("qdelay.ms", "bad"));

        Assert.Equal(10, qdelay.BaseMs);
        Assert.Empty(qdelay.Invalid);
    }

    [Fact]
    public void Parse_OverrideForASimilarServiceName_DoesNotApply()
    {
        Assert.Null(Parse("demo", ("qdelay.svc.Demo", "5"), ("qdelay.svc.demo2", "6")).ServiceMs);
    }

    [Theory]
    [InlineData(0.0, 400)]
    [InlineData(0.5, 425)]
    [InlineData(0.99999, 450)]
    public void Sample_OverrideAndJitter_IsOverridePlusUniformJitter(double fraction, double expectedMs)
    {
        var qdelay = Parse("demo", ("qdelay.ms", "100"), ("qdelay.svc.demo", "400"), ("qdelay.jitter_ms", "50"));

        Assert.Equal(expectedMs, qdelay.Sample(new JitterSource(new FixedRandom(fraction))).TotalMilliseconds);
    }

    [Fact]
    public void Sample_JitterOnly_IsUniformFromZeroToJitterInclusive()
    {
        var qdelay = Parse("demo", ("qdelay.jitter_ms", "3"));
        var random = new JitterSource(new Random(11));

        var samples = Enumerable.Range(0, 400).Select(_ => qdelay.Sample(random).TotalMilliseconds).ToList();

        Assert.Equal([0.0, 1, 2, 3], samples.Distinct().Order());
        Assert.All(samples.GroupBy(s => s), g => Assert.InRange(g.Count(), 60, 140));
    }
}
