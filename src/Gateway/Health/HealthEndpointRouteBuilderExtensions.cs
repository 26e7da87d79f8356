namespace Gateway.Health;

/// <summary>Maps <c>/healthz</c>.</summary>
internal static class HealthEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", HealthResponse.Options).ExcludeFromDescription();
        return endpoints;
    }
}
