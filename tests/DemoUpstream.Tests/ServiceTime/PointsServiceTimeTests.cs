using ServiceTimes;

namespace DemoUpstream.Tests.ServiceTime;

public sealed class PointsServiceTimeTests
{
    private static readonly (double P, double Ms)[] Published =
        [(0, 10), (0.5, 75), (0.75, 192), (0.9, 601), (0.95, 1260), (0.99, 3410), (1, 6420)];

    private static PointsServiceTime Create((double P, double Ms)[] points) =>
        new(points.Select(p => (p.P, TimeSpan.FromMilliseconds(p.Ms))).ToArray());

    [Theory]
    [InlineData(0.0, 10.0)]
    [InlineData(0.5, 75.0)]
    [InlineData(0.9, 601.0)]
    [InlineData(1.0, 6420.0)]
    public void Quantile_AtAGivenPoint_ReturnsItsTime(double u, double expectedMs)
    {
        var distribution = Create(Published);

        Assert.Equal(expectedMs, distribution.Quantile(u).TotalMilliseconds, 6);
    }

    [Fact]
    public void Quantile_BetweenPoints_InterpolatesLinearly()
    {
        var distribution = Create(Published);

        Assert.Equal(75 + (0.2 / 0.25 * (192 - 75)), distribution.Quantile(0.7).TotalMilliseconds, 3);
        Assert.Equal(10 + (0.25 / 0.5 * (75 - 10)), distribution.Quantile(0.25).TotalMilliseconds, 3);
        Assert.Equal(3410 + (0.5 * (6420 - 3410)), distribution.Quantile(0.995).TotalMilliseconds, 3);
    }

    [Fact]
    public void Mean_IsTheTrapezoidIntegralOfTheQuantileFunction()
    {
        var distribution = Create(Published);

        var expected = 0.0;
        for (var i = 1; i < Published.Length; i++)
        {
            expected += (Published[i].P - Published[i - 1].P) * (Published[i].Ms + Published[i - 1].Ms) / 2;
        }

        Assert.Equal(303.175, expected, 9);
        Assert.Equal(expected, distribution.Mean.TotalMilliseconds, 3);
    }

    [Fact]
    public void Sample_ManyDraws_MeanWithinTwoPercentOfMean()
    {
        var distribution = Create(Published);
        var random = new Random(31337);

        var mean = Enumerable.Range(0, 200_000).Average(_ => distribution.Sample(random).TotalMilliseconds);

        Assert.InRange(mean, distribution.Mean.TotalMilliseconds * 0.98, distribution.Mean.TotalMilliseconds * 1.02);
    }

    [Fact]
    public void Sample_ManyDraws_MedianNearP50AndAllWithinRange()
    {
        var distribution = Create(Published);
        var random = new Random(5);

        var samples = Enumerable.Range(0, 200_000).Select(_ => distribution.Sample(random).TotalMilliseconds).Order().ToArray();

        Assert.InRange(samples[0], 10, 6420);
        Assert.InRange(samples[^1], 10, 6420);
        Assert.InRange(samples[samples.Length / 2], 73, 77);
        Assert.InRange(samples[(int)(samples.Length * 0.9)], 580, 650);
    }
}
