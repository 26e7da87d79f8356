using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Tests.Engine;

public sealed class FastRandomTests
{
    [Fact]
    public void ForStream_SameSeedAndStream_SameSequence()
    {
        var a = FastRandom.ForStream(7, 1);
        var b = FastRandom.ForStream(7, 1);
        var c = FastRandom.ForStream(7, 2);

        var first = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 100).Select(_ => b.NextUInt64()));
        Assert.NotEqual(first, Enumerable.Range(0, 100).Select(_ => c.NextUInt64()));
    }

    [Fact]
    public void Next_SmallBound_UniformWithinRange()
    {
        var random = FastRandom.ForStream(1, 0);
        var counts = new int[7];
        for (var i = 0; i < 700_000; i++)
        {
            counts[random.Next(7)]++;
        }

        // Each count is 100,000 ± 3 standard deviations (about 280).
        Assert.All(counts, count => Assert.InRange(count, 99_000, 101_000));
    }

    [Fact]
    public void NextDouble_ManyDraws_InUnitIntervalWithMeanOneHalf()
    {
        var random = FastRandom.ForStream(2, 0);
        var draws = Enumerable.Range(0, 200_000).Select(_ => random.NextDouble()).ToArray();

        Assert.All(draws, d => Assert.InRange(d, 0.0, 0.9999999999999999));
        Assert.InRange(draws.Average(), 0.498, 0.502);
    }
}
