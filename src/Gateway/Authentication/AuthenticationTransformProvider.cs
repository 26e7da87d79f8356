using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Authentication;

/// <summary>
/// Writes the authentication step's decision onto the upstream request: <c>X-Tenant-Id</c> only from the validated
/// credential (a caller's copy is always removed, with or without authentication), and never the API key, which is a
/// credential for the gateway only.
/// </summary>
internal sealed class AuthenticationTransformProvider(IOptionsMonitor<AuthenticationOptions> options) : ITransformProvider
{
    public const string TenantHeader = "X-Tenant-Id";

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(request =>
    {
        RequestTransform.RemoveHeader(request, TenantHeader);
        RequestTransform.RemoveHeader(request, options.CurrentValue.ApiKeyHeader);
        if (request.HttpContext.Features.Get<TenantFeature>() is { } tenant)
        {
            request.ProxyRequest.Headers.TryAddWithoutValidation(TenantHeader, tenant.Tenant);
        }

        return ValueTask.CompletedTask;
    });
}
