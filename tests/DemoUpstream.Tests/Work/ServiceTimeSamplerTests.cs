using ServiceTimes;
using DemoUpstream.Work;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Tests.Work;

public sealed class ServiceTimeSamplerTests
{
    [Fact]
    public void Next_SameSeed_ReproducesTheConfiguredDistributionsDraws()
    {
        var options = Options.Create(new DemoUpstreamOptions { ServiceTime = "exp:mean=20ms", Seed = 42 });
        var first = new ServiceTimeSampler(options);
        var second = new ServiceTimeSampler(options);
        var reference = new Random(42);
        var distribution = ServiceTimeSpec.Parse("exp:mean=20ms");

        for (var i = 0; i < 100; i++)
        {
            var expected = distribution.Sample(reference);
            Assert.Equal(expected, first.Next());
            Assert.Equal(expected, second.Next());
        }
    }

    [Fact]
    public void Next_ConstSpec_ReturnsTheConstant()
    {
        var sampler = new ServiceTimeSampler(Options.Create(new DemoUpstreamOptions { ServiceTime = "const:7ms" }));

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(TimeSpan.FromMilliseconds(7), sampler.Next()));
    }
}
