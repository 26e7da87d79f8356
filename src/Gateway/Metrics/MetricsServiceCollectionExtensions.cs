using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;
using ServerMetrics;

namespace Gateway.Metrics;

/// <summary>
/// Registers what every feature's metrics share: the app-owned prometheus-net registry and factory, the cap on series
/// per metric, and the meters of <c>Gateway:Metrics:AdditionalMeters</c>. Each feature registers its own metrics class
/// with <see cref="AddFeatureMetrics{TMetrics}"/>.
/// </summary>
internal static class MetricsServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddServerMetrics();
        services.AddSingleton(static sp => new SeriesLimit(
            sp.GetRequiredService<IMetricFactory>(),
            () => sp.GetRequiredService<IOptions<MetricsOptions>>().Value.MaxSeriesPerMetric,
            () => sp.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled));
        services.AddSingleton<AdditionalMeters>();
        return services;
    }

    /// <summary>
    /// Registers a feature's metrics class. <see cref="MetricsEndpointRouteBuilderExtensions.MapGatewayMetrics"/> creates
    /// every one at start-up, so each metric exists from the first scrape.
    /// </summary>
    public static IServiceCollection AddFeatureMetrics<TMetrics>(this IServiceCollection services)
        where TMetrics : class
    {
        services.TryAddSingleton<TMetrics>();
        services.AddSingleton(new FeatureMetrics(typeof(TMetrics)));
        return services;
    }
}
