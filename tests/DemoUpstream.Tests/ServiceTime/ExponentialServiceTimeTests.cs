using ServiceTimes;

namespace DemoUpstream.Tests.ServiceTime;

public sealed class ExponentialServiceTimeTests
{
    private const int Draws = 200_000;

    [Fact]
    public void Sample_ManyDraws_MeanWithinTwoPercentOfConfiguredMean()
    {
        var distribution = new ExponentialServiceTime(TimeSpan.FromMilliseconds(20));
        var random = new Random(12345);

        var mean = Enumerable.Range(0, Draws).Average(_ => distribution.Sample(random).TotalMilliseconds);

        Assert.InRange(mean, 20 * 0.98, 20 * 1.02);
    }

    [Fact]
    public void Sample_ManyDraws_ShareAboveMeanIsOneOverE()
    {
        // An exponential exceeds its mean with probability e^-1; a wrong shape with the right mean would not.
        var distribution = new ExponentialServiceTime(TimeSpan.FromMilliseconds(20));
        var random = new Random(2024);

        var above = Enumerable.Range(0, Draws).Count(_ => distribution.Sample(random) > distribution.Mean);

        Assert.InRange((double)above / Draws, Math.Exp(-1) - 0.01, Math.Exp(-1) + 0.01);
    }

    [Fact]
    public void Sample_ManyDraws_NeverNegative()
    {
        var distribution = new ExponentialServiceTime(TimeSpan.FromMilliseconds(20));
        var random = new Random(7);

        Assert.All(Enumerable.Range(0, 10_000), _ => Assert.True(distribution.Sample(random) >= TimeSpan.Zero));
    }

    [Fact]
    public void Sample_SameSeed_SameSequence()
    {
        var distribution = new ExponentialServiceTime(TimeSpan.FromMilliseconds(20));
        var first = new Random(99);
        var second = new Random(99);

        var a = Enumerable.Range(0, 100).Select(_ => distribution.Sample(first)).ToArray();
        var b = Enumerable.Range(0, 100).Select(_ => distribution.Sample(second)).ToArray();

        Assert.Equal(a, b);
    }
}
