using ServiceTimes;

namespace DemoUpstream.Tests.ServiceTime;

public sealed class ConstantServiceTimeTests
{
    [Fact]
    public void Sample_AnyDraw_ReturnsTheValue()
    {
        var distribution = new ConstantServiceTime(TimeSpan.FromMilliseconds(20));
        var random = new Random(3);

        Assert.All(Enumerable.Range(0, 1_000), _ => Assert.Equal(TimeSpan.FromMilliseconds(20), distribution.Sample(random)));
    }

    [Fact]
    public void Mean_IsTheValue()
    {
        var distribution = new ConstantServiceTime(TimeSpan.FromMilliseconds(20));

        Assert.Equal(TimeSpan.FromMilliseconds(20), distribution.Mean);
    }
}
