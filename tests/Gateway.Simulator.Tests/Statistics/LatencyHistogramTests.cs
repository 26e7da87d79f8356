using Gateway.Simulator.Statistics;

namespace Gateway.Simulator.Tests.Statistics;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Quantile_SpreadOverDecades_WithinHalfAPercentOfExact()
    {
        var histogram = new LatencyHistogram();
        var random = new Random(4);
        var values = Enumerable.Range(0, 100_000).Select(_ => Math.Exp((random.NextDouble() * 14) - 7)).ToArray();
        foreach (var value in values)
        {
            histogram.Add(value);
        }

        var sorted = values.Order().ToArray();
        foreach (var q in new[] { 0.01, 0.5, 0.9, 0.99, 0.999 })
        {
            var exact = sorted[(int)(q * sorted.Length) - 1];
            Assert.InRange(histogram.Quantile(q) / exact, 0.995, 1.005);
        }
    }

    [Fact]
    public void Quantile_MostlyZeros_ZeroUpToTheZeroShare()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 980; i++)
        {
            histogram.Add(0);
        }

        for (var i = 0; i < 20; i++)
        {
            histogram.Add(50);
        }

        Assert.Equal(0, histogram.Quantile(0.5));
        Assert.Equal(0, histogram.Quantile(0.98));
        Assert.InRange(histogram.Quantile(0.99), 49.75, 50.25);
        Assert.Equal(1_000, histogram.Count);
    }

    [Fact]
    public void Quantile_Empty_IsZero() => Assert.Equal(0, new LatencyHistogram().Quantile(0.99));
}
