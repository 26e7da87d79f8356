using ServiceTimes;

namespace Gateway.LoadGen.Tests.Plan;

public sealed class ArrivalsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    public void ServiceTimeRandom_ExponentialDraws_AreUncorrelatedWithTheGapBeforeThem(int seed)
    {
        var service = ServiceTimeSpec.Parse("exp:mean=200ms");
        var random = Arrivals.ServiceTimeRandom(seed);
        var offsets = Arrivals.Poisson(50, TimeSpan.FromSeconds(400), seed).Select(o => o.TotalSeconds).ToArray();
        var gaps = offsets.Select((o, i) => i == 0 ? o : o - offsets[i - 1]).ToArray();
        var draws = gaps.Select(_ => service.Sample(random).TotalSeconds).ToArray();

        Assert.InRange(gaps.Length, 19_000, 21_000);
        Assert.InRange(Math.Abs(Correlation(gaps, draws)), 0, 0.05);

        // The trap this avoids: the arrival seed's own stream gives a correlation of 1.
        var same = new Random(seed);
        var sameDraws = gaps.Select(_ => service.Sample(same).TotalSeconds).ToArray();
        Assert.True(Correlation(gaps, sameDraws) > 0.99);
    }

    private static double Correlation(double[] x, double[] y)
    {
        var (mx, my) = (x.Average(), y.Average());
        var cov = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        var vx = x.Sum(a => (a - mx) * (a - mx));
        var vy = y.Sum(b => (b - my) * (b - my));
        return cov / Math.Sqrt(vx * vy);
    }
}
