using ServiceTimes;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Work;

/// <summary>Draws service times from the configured distribution with a seedable, thread-safe source.</summary>
internal sealed class ServiceTimeSampler
{
    private readonly object _sync = new();
    private readonly Random _random;
    private readonly IServiceTimeDistribution _distribution;

    public ServiceTimeSampler(IOptions<DemoUpstreamOptions> options)
    {
        _distribution = ServiceTimeSpec.Parse(options.Value.ServiceTime);
        _random = options.Value.Seed is { } seed ? new Random(seed) : new Random();
    }

    public TimeSpan Next()
    {
        lock (_sync)
        {
            return _distribution.Sample(_random);
        }
    }
}
