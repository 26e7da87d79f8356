using Microsoft.Extensions.Options;

namespace Gateway.Fleet;

/// <summary>
/// Registers fleet mode (<c>Gateway:Fleet</c>): the coordinator, which does nothing unless <c>Gateway:Fleet:Redis</c> is
/// set, and its status. The clusters it serves come from <see cref="IFleetClusters"/>.
/// </summary>
internal static class FleetServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayFleet(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>();
        services.AddSingleton<FleetStatus>();
        services.AddSingleton<FleetCoordinator>();
        services.AddHostedService(static services => services.GetRequiredService<FleetCoordinator>());
        return services;
    }
}
