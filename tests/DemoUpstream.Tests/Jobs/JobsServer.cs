using DemoUpstream.Tests.Work;
using Microsoft.Extensions.DependencyInjection;

namespace DemoUpstream.Tests.Jobs;

/// <summary>
/// DemoUpstream on real Kestrel for jobs tests. The shutdown grace defaults to zero, so disposing a server with jobs
/// still delayed does not wait out the production default of 30 s.
/// </summary>
internal static class JobsServer
{
    public static Task<InProcessServer> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var all = new Dictionary<string, string?> { ["DemoUpstream:Jobs:ShutdownGrace"] = "00:00:00" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return DemoUpstreamServer.StartAsync(all, configureServices);
    }
}
