using Gateway.Metrics;
using Microsoft.Extensions.Options;

namespace Gateway.Qdelay;

/// <summary>Registers the qdelay developer tool's checks and metrics.</summary>
internal static class QdelayServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayQdelay(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<QdelayOptions>, QdelayOptionsValidator>();
        services.AddFeatureMetrics<QdelayMetrics>();
        return services;
    }
}
