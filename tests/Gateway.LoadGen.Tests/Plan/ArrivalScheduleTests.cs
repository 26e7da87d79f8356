namespace Gateway.LoadGen.Tests.Plan;

public sealed class ArrivalScheduleTests
{
    private static readonly LoadPhase[] StepsAndRamp =
    [
        LoadPhase.Steady(50, TimeSpan.FromSeconds(10)),
        new(50, 200, TimeSpan.FromSeconds(30)),
        LoadPhase.Steady(200, TimeSpan.FromSeconds(10)),
    ];

    [Fact]
    public void OffsetsSeconds_PoissonSteadyRate_CountMeanGapAndSpreadMatchTheProcess()
    {
        var offsets = Offsets([LoadPhase.Steady(1000, TimeSpan.FromSeconds(20))], ArrivalProcess.Poisson, seed: 7);
        var gaps = offsets.Zip(offsets.Skip(1), (a, b) => b - a).ToArray();
        var mean = gaps.Average();
        var sd = Math.Sqrt(gaps.Average(g => (g - mean) * (g - mean)));

        // 20000 expected with a standard deviation of √20000 ≈ 141; ±4σ.
        Assert.InRange(offsets.Length, 20_000 - 566, 20_000 + 566);
        Assert.InRange(mean * 1000, 0.97, 1.03);

        // Exponential gaps: the standard deviation equals the mean (a constant process would give 0).
        Assert.InRange(sd / mean, 0.95, 1.05);
        Assert.All(gaps, g => Assert.True(g >= 0));
    }

    [Fact]
    public void OffsetsSeconds_ConstantSteadyRate_GapsAreExactFromZero()
    {
        var offsets = Offsets([LoadPhase.Steady(200, TimeSpan.FromSeconds(1))], ArrivalProcess.Constant, seed: 1);

        Assert.Equal(200, offsets.Length);
        for (var k = 0; k < offsets.Length; k++)
        {
            Assert.Equal(k / 200.0, offsets[k], 1e-12);
        }
    }

    [Fact]
    public void OffsetsSeconds_ConstantStepsAndRamp_CountsPerPhaseAreTheAreaUnderTheRate()
    {
        var offsets = Offsets(StepsAndRamp, ArrivalProcess.Constant, seed: 1);

        Assert.Equal(500, Between(offsets, 0, 10));
        Assert.Equal(3750, Between(offsets, 10, 40));
        Assert.Equal(2000, Between(offsets, 40, 50));

        // Within the ramp the rate climbs from 50/s to 200/s: ∫ 50 + 5t over its first and last 10 s.
        Assert.Equal(750, Between(offsets, 10, 20));
        Assert.Equal(1750, Between(offsets, 30, 40));
    }

    [Fact]
    public void OffsetsSeconds_PoissonStepsAndRamp_CountsPerPhaseWithinFourSigma()
    {
        var offsets = Offsets(StepsAndRamp, ArrivalProcess.Poisson, seed: 3);

        AssertNear(500, Between(offsets, 0, 10));
        AssertNear(3750, Between(offsets, 10, 40));
        AssertNear(750, Between(offsets, 10, 20));
        AssertNear(1750, Between(offsets, 30, 40));
        AssertNear(2000, Between(offsets, 40, 50));
        Assert.True(offsets[^1] < 50, "nothing after the last phase");
    }

    [Fact]
    public void OffsetsSeconds_RampDown_CountsMatchTheFallingRate()
    {
        var offsets = Offsets([new LoadPhase(200, 0, TimeSpan.FromSeconds(10))], ArrivalProcess.Constant, seed: 1);

        // Rate 200 − 20t: 1000 in all, ∫ over [0, 5) = 1000 − 250 = 750, over [5, 10) 250.
        Assert.Equal(1000, offsets.Length);
        Assert.Equal(750, Between(offsets, 0, 5));
        Assert.Equal(250, Between(offsets, 5, 10));
    }

    [Fact]
    public void OffsetsSeconds_ZeroRatePhase_SendsNothingUntilTheNextPhase()
    {
        var offsets = Offsets([LoadPhase.Steady(0, TimeSpan.FromSeconds(5)), LoadPhase.Steady(10, TimeSpan.FromSeconds(1))], ArrivalProcess.Poisson, seed: 1);

        Assert.NotEmpty(offsets);
        Assert.All(offsets, o => Assert.InRange(o, 5.0, 6.0));
    }

    [Fact]
    public void OffsetsSeconds_SameSeed_SameSchedule_OtherSeed_Different()
    {
        LoadPhase[] phases = [LoadPhase.Steady(100, TimeSpan.FromSeconds(2))];

        Assert.Equal(Offsets(phases, ArrivalProcess.Poisson, 5), Offsets(phases, ArrivalProcess.Poisson, 5));
        Assert.NotEqual(Offsets(phases, ArrivalProcess.Poisson, 5), Offsets(phases, ArrivalProcess.Poisson, 6));
    }

    private static double[] Offsets(IReadOnlyList<LoadPhase> phases, ArrivalProcess process, int seed) =>
        [.. new ArrivalSchedule(phases, process, seed).OffsetsSeconds()];

    private static int Between(double[] offsets, double from, double to) => offsets.Count(o => o >= from && o < to);

    private static void AssertNear(double expected, int actual) =>
        Assert.InRange(actual, expected - (4 * Math.Sqrt(expected)), expected + (4 * Math.Sqrt(expected)));
}
