namespace Gateway.LoadGen.Tests.Results;

public sealed class LatencySummaryTests
{
    private static readonly double[] OneToHundred = [.. Enumerable.Range(1, 100).Select(i => (double)i).Reverse()];

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(1.5, 2)]
    [InlineData(50, 50)]
    [InlineData(90, 90)]
    [InlineData(99, 99)]
    [InlineData(99.5, 100)]
    [InlineData(100, 100)]
    public void Percentile_OneToHundred_IsTheNearestRank(double p, double expected) =>
        Assert.Equal(expected, LatencySummary.Percentile(OneToHundred, p));

    [Theory]
    [InlineData(33.3, 10)]
    [InlineData(33.4, 20)]
    [InlineData(50, 20)]
    [InlineData(66.7, 30)]
    public void Percentile_ThreeValues_NeverInterpolates(double p, double expected) =>
        Assert.Equal(expected, LatencySummary.Percentile([30.0, 10, 20], p));

    [Fact]
    public void Of_OneToThousand_P999IsTheExactRankDespiteBinaryFractions()
    {
        var summary = LatencySummary.Of(Enumerable.Range(1, 1000).Select(i => (double)i));

        Assert.Equal(999, summary.P999);
        Assert.Equal(990, summary.P99);
        Assert.Equal(500, summary.P50);
    }

    [Fact]
    public void Of_UnsortedValues_SummarisesCountMeanPercentilesAndMax()
    {
        var summary = LatencySummary.Of([5.0, 1, 4, 2, 3]);

        Assert.Equal(new LatencySummary(5, 3, 3, 5, 5, 5, 5), summary);
    }

    [Fact]
    public void Of_NoValues_CountZeroAndNaN()
    {
        var summary = LatencySummary.Of([]);

        Assert.Equal(0, summary.Count);
        Assert.True(double.IsNaN(summary.P50) && double.IsNaN(summary.Mean) && double.IsNaN(summary.Max));
    }

    [Fact]
    public void Percentile_OutOfRangeOrEmpty_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencySummary.Percentile([1.0], 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencySummary.Percentile([1.0], double.NaN));
        Assert.Throws<ArgumentException>(() => LatencySummary.Percentile([], 50));
    }
}
