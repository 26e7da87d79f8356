using ServiceTimes;

namespace DemoUpstream.Tests.ServiceTime;

public sealed class ServiceTimeSpecTests
{
    [Fact]
    public void Parse_Const_ReturnsConstantWithValue()
    {
        var distribution = ServiceTimeSpec.Parse("const:20ms");

        Assert.Equal(new ConstantServiceTime(TimeSpan.FromMilliseconds(20)), distribution);
    }

    [Fact]
    public void Parse_Exp_ReturnsExponentialWithMean()
    {
        var distribution = ServiceTimeSpec.Parse("exp:mean=20ms");

        Assert.Equal(new ExponentialServiceTime(TimeSpan.FromMilliseconds(20)), distribution);
    }

    [Fact]
    public void Parse_LogNormal_ReturnsLogNormalWithMeanAndSigma()
    {
        var distribution = ServiceTimeSpec.Parse("lognormal:mean=20ms,sigma=1");

        var logNormal = Assert.IsType<LogNormalServiceTime>(distribution);
        Assert.Equal(TimeSpan.FromMilliseconds(20), logNormal.Mean);
        Assert.Equal(1.0, logNormal.Sigma);
    }

    [Fact]
    public void Parse_LogNormalArgumentsInAnyOrder_ReturnsSameParameters()
    {
        var distribution = ServiceTimeSpec.Parse("lognormal:sigma=0.5,mean=1.5s");

        var logNormal = Assert.IsType<LogNormalServiceTime>(distribution);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), logNormal.Mean);
        Assert.Equal(0.5, logNormal.Sigma);
    }

    [Fact]
    public void Parse_Points_ReturnsPointsHittingEveryGivenQuantile()
    {
        var distribution = ServiceTimeSpec.Parse("points:0=10ms,0.5=75ms,0.75=192ms,0.9=601ms,0.95=1260ms,0.99=3410ms,1=6420ms");

        var points = Assert.IsType<PointsServiceTime>(distribution);
        var expected = new (double P, double Ms)[] { (0, 10), (0.5, 75), (0.75, 192), (0.9, 601), (0.95, 1260), (0.99, 3410), (1, 6420) };
        Assert.All(expected, point => Assert.Equal(point.Ms, points.Quantile(point.P).TotalMilliseconds, 6));
    }

    [Fact]
    public void Parse_KindCaseAndWhitespace_AreIgnored()
    {
        var distribution = ServiceTimeSpec.Parse("  EXP : Mean = 20ms  ");

        Assert.Equal(new ExponentialServiceTime(TimeSpan.FromMilliseconds(20)), distribution);
    }

    [Fact]
    public void Parse_PointsWithEqualTimes_IsAccepted()
    {
        var distribution = ServiceTimeSpec.Parse("points:0=10ms,0.5=10ms,1=10ms");

        Assert.Equal(TimeSpan.FromMilliseconds(10), distribution.Mean);
    }

    [Fact]
    public void Parse_ConstZero_IsAccepted()
    {
        var distribution = ServiceTimeSpec.Parse("const:0ms");

        Assert.Equal(TimeSpan.Zero, distribution.Mean);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("20ms", "no kind")]
    [InlineData("gamma:mean=20ms", "'gamma' is not a known kind")]
    [InlineData("const:abc", "'abc' is not a duration")]
    [InlineData("const:20", "'20' is not a duration")]
    [InlineData("const:-5ms", "'-5ms' is not a duration")]
    [InlineData("exp:", "mean=<duration > 0>")]
    [InlineData("exp:sigma=1", "mean=<duration > 0>")]
    [InlineData("exp:mean=0ms", "mean=<duration > 0>")]
    [InlineData("exp:mean=-20ms", "mean=<duration > 0>")]
    [InlineData("exp:mean=20", "mean=<duration > 0>")]
    [InlineData("exp:mean=20min", "mean=<duration > 0>")]
    [InlineData("exp:mean=20ms,sigma=1", "mean=<duration > 0>")]
    [InlineData("exp:mean=20ms,mean=30ms", "'mean=30ms' is not a unique 'name=value'")]
    [InlineData("exp:20ms", "'20ms' is not a unique 'name=value'")]
    [InlineData("lognormal:sigma=1", "mean=<duration > 0>")]
    [InlineData("lognormal:mean=0ms,sigma=1", "mean=<duration > 0>")]
    [InlineData("lognormal:mean=20ms", "sigma=<number in (0, 5]>")]
    [InlineData("lognormal:mean=20ms,sigma=0", "sigma=<number in (0, 5]>")]
    [InlineData("lognormal:mean=20ms,sigma=-1", "sigma=<number in (0, 5]>")]
    [InlineData("lognormal:mean=20ms,sigma=abc", "sigma=<number in (0, 5]>")]
    [InlineData("lognormal:mean=20ms,sigma=NaN", "sigma=<number in (0, 5]>")]
    [InlineData("points:0.1=10ms,1=20ms", "the first at probability 0")]
    [InlineData("points:0=10ms,0.9=20ms", "the last at 1")]
    [InlineData("points:0=10ms", "at least two points")]
    [InlineData("points:", "at least two points")]
    [InlineData("points:0=10ms,0.6=20ms,0.5=30ms,1=40ms", "'0.5=30ms' must have a higher probability")]
    [InlineData("points:0=10ms,0.5=20ms,0.5=30ms,1=40ms", "'0.5=30ms' must have a higher probability")]
    [InlineData("points:0=10ms,0.5=20ms,0.6=15ms,1=40ms", "'0.6=15ms' must have a higher probability and no lower time")]
    [InlineData("points:0=10ms,0.5=20xs,1=40ms", "'0.5=20xs' is not '<probability>=<duration>'")]
    [InlineData("points:0=10ms,half=20ms,1=40ms", "'half=20ms' is not '<probability>=<duration>'")]
    [InlineData("points:0=10ms,20ms,1=40ms", "'20ms' is not '<probability>=<duration>'")]
    public void TryParse_InvalidSpec_FailsWithErrorNamingTheProblem(string? spec, string expectedFragment)
    {
        var parsed = ServiceTimeSpec.TryParse(spec, out var distribution, out var error);

        Assert.False(parsed);
        Assert.Null(distribution);
        Assert.NotNull(error);
        Assert.Contains(expectedFragment, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ValidSpec_SucceedsWithoutError()
    {
        var parsed = ServiceTimeSpec.TryParse("exp:mean=20ms", out var distribution, out var error);

        Assert.True(parsed);
        Assert.NotNull(distribution);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("const:1e300s")]
    [InlineData("exp:mean=1e300ms")]
    [InlineData("points:0=10ms,1=1e300s")]
    public void TryParse_DurationBeyondTimeSpanRange_ReturnsFalseInsteadOfThrowing(string spec)
    {
        var parsed = ServiceTimeSpec.TryParse(spec, out _, out var error);

        Assert.False(parsed);
        Assert.NotNull(error);
    }

    [Fact]
    public void Parse_InvalidSpec_ThrowsFormatExceptionWithTheError()
    {
        var ex = Assert.Throws<FormatException>(() => ServiceTimeSpec.Parse("gamma:mean=20ms"));

        Assert.Contains("'gamma' is not a known kind", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250us", 0.25)]
    [InlineData("1500us", 1.5)]
    [InlineData("20ms", 20)]
    [InlineData("0.5ms", 0.5)]
    [InlineData("20MS", 20)]
    [InlineData("1.5s", 1500)]
    [InlineData("2S", 2000)]
    [InlineData("0ms", 0)]
    [InlineData(" 20ms ", 20)]
    [InlineData("1e3ms", 1000)]
    public void TryParseDuration_ValidUnit_ScalesToMilliseconds(string text, double expectedMs)
    {
        var parsed = ServiceTimeSpec.TryParseDuration(text, out var duration);

        Assert.True(parsed);
        Assert.Equal(expectedMs, duration.TotalMilliseconds, 9);
    }

    [Theory]
    [InlineData("")]
    [InlineData("20")]
    [InlineData("ms")]
    [InlineData("s")]
    [InlineData("20m")]
    [InlineData("20min")]
    [InlineData("20h")]
    [InlineData("-1ms")]
    [InlineData("abcms")]
    [InlineData("NaNms")]
    [InlineData("Infinitys")]
    [InlineData("1,5s")]
    [InlineData("1e300s")]
    public void TryParseDuration_InvalidText_ReturnsFalse(string text)
    {
        var parsed = ServiceTimeSpec.TryParseDuration(text, out var duration);

        Assert.False(parsed);
        Assert.Equal(TimeSpan.Zero, duration);
    }
}
