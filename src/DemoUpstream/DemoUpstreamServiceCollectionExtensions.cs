using DemoUpstream.Jobs;
using DemoUpstream.Slots;
using DemoUpstream.Tracing;
using DemoUpstream.Work;
using ServerMetrics;
using Microsoft.Extensions.Options;

namespace DemoUpstream;

internal static class DemoUpstreamServiceCollectionExtensions
{
    public static IServiceCollection AddDemoUpstream(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoUpstreamOptions>().Bind(configuration.GetSection(DemoUpstreamOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DemoUpstreamOptions>, DemoUpstreamOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new SlotPool(sp.GetRequiredService<IOptions<DemoUpstreamOptions>>().Value.Slots));
        services.AddSingleton<ServiceTimeSampler>();
        services.AddSingleton<OverloadSwitch>();
        services.AddSingleton<DemoMetrics>();
        services.AddServerMetrics();
        services.AddProblemDetails();
        services.AddDemoTracing(configuration);
        services.AddJobs(configuration);
        return services;
    }
}
