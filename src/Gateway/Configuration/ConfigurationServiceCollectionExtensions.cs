using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Configuration.ClusterValidators;
using Yarp.ReverseProxy.Configuration.RouteValidators;

namespace Gateway.Configuration;

/// <summary>
/// Binds the <c>Gateway</c> section, validates it at start-up and on every edit, and gives each feature its own
/// section as <see cref="IOptions{TOptions}"/> (as at start-up) and <see cref="IOptionsMonitor{TOptions}"/> (as last
/// validated). Also checks the gateway's metadata in YARP's routes and clusters, and logs edits YARP refused.
/// </summary>
internal static class ConfigurationServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayConfiguration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>()
            .Bind(configuration.GetSection(GatewayOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddSingleton<LiveGatewayOptions>();
        AddSection(services, static options => options.Queue);
        AddSection(services, static options => options.LoadBalancing);
        AddSection(services, static options => options.Health);
        AddSection(services, static options => options.Retry);
        AddSection(services, static options => options.Upstream);
        AddSection(services, static options => options.Timing);
        AddSection(services, static options => options.Metrics);
        AddSection(services, static options => options.Authentication);
        AddSection(services, static options => options.Qdelay);
        AddSection(services, static options => options.Tracing);
        AddSection(services, static options => options.Admission);
        AddSection(services, static options => options.Fleet);

        services.AddSingleton<GatewayProxyConfigValidator>();
        services.AddSingleton<IClusterValidator>(static sp => sp.GetRequiredService<GatewayProxyConfigValidator>());
        services.AddSingleton<IRouteValidator>(static sp => sp.GetRequiredService<GatewayProxyConfigValidator>());
        services.AddSingleton<IConfigChangeListener, ProxyConfigRejectionLog>();
        return services;
    }

    private static void AddSection<TSection>(IServiceCollection services, Func<GatewayOptions, TSection> section)
        where TSection : class
    {
        services.AddSingleton<IOptions<TSection>>(sp => Options.Create(section(sp.GetRequiredService<IOptions<GatewayOptions>>().Value)));
        services.AddSingleton<IOptionsMonitor<TSection>>(sp => new LiveSection<TSection>(sp, section));
    }
}
