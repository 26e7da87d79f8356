using DemoUpstream.Jobs;
using DemoUpstream.Work;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerMetrics;

namespace DemoUpstream.Tests.Work;

/// <summary>DemoUpstream hosted in-process on real Kestrel, on a loopback port the OS picks, with the endpoints Program.cs maps.</summary>
internal static class DemoUpstreamServer
{
    public static Task<InProcessServer> StartAsync(
        IDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDemoUpstream(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        return InProcessServer.StartAsync(builder, app =>
        {
            app.MapServerMetrics();
            app.MapJobs();
            app.MapSimulatedWork();
        });
    }
}
