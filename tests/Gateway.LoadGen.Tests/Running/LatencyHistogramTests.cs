namespace Gateway.LoadGen.Tests.Running;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentile_ManyValues_WithinTwoPercentOfTheExactNearestRank()
    {
        var histogram = new LatencyHistogram();
        var random = new Random(4);
        var values = Enumerable.Range(0, 20_000).Select(_ => 0.05 + (-20 * Math.Log(1 - random.NextDouble()))).ToArray();
        foreach (var value in values)
        {
            histogram.Record(value);
        }

        foreach (var p in new[] { 50.0, 99, 99.9 })
        {
            var exact = LatencySummary.Percentile(values, p);
            Assert.InRange(histogram.Percentile(p), exact, exact * 1.021);
        }
    }

    [Fact]
    public void Percentile_Empty_IsNaN() => Assert.True(double.IsNaN(new LatencyHistogram().Percentile(99)));
}
