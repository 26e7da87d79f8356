using ServiceTimes;

namespace DemoUpstream.Tests.ServiceTime;

public sealed class LogNormalServiceTimeTests
{
    private const int Draws = 200_000;

    private static double[] SampleMs(LogNormalServiceTime distribution, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Draws).Select(_ => distribution.Sample(random).TotalMilliseconds).ToArray();
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void Sample_ManyDraws_MeanWithinFivePercentOfConfiguredMean(double sigma)
    {
        var samples = SampleMs(new LogNormalServiceTime(TimeSpan.FromMilliseconds(20), sigma), seed: 4242);

        Assert.InRange(samples.Average(), 20 * 0.95, 20 * 1.05);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void Sample_ManyDraws_MedianIsMeanTimesExpMinusHalfSigmaSquared(double sigma)
    {
        // The spec gives the mean, so the median must sit below it at mean * e^(-sigma^2 / 2).
        var samples = SampleMs(new LogNormalServiceTime(TimeSpan.FromMilliseconds(20), sigma), seed: 777);
        Array.Sort(samples);
        var median = samples[samples.Length / 2];

        var expected = 20 * Math.Exp(-sigma * sigma / 2);
        Assert.InRange(median, expected * 0.98, expected * 1.02);
    }

    [Fact]
    public void Sample_ManyDraws_AlwaysPositive()
    {
        var samples = SampleMs(new LogNormalServiceTime(TimeSpan.FromMilliseconds(20), 1), seed: 1);

        Assert.All(samples, ms => Assert.True(ms > 0));
    }

    [Fact]
    public void Mean_IsTheConfiguredMean()
    {
        var distribution = new LogNormalServiceTime(TimeSpan.FromMilliseconds(20), 1);

        Assert.Equal(TimeSpan.FromMilliseconds(20), distribution.Mean);
    }
}
