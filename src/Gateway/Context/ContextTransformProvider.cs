using Gateway.Configuration;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Context;

/// <summary>
/// Writes the context step's decisions onto the upstream request: <c>X-Tenant-Id</c> only from the validated
/// token (a caller's copy is always removed), no <c>X-Qdelay</c>, and the composed baggage for
/// <see cref="GatewayPropagator"/>, which writes the trace headers.
/// </summary>
internal sealed class ContextTransformProvider(LiveGatewayOptions gateway) : ITransformProvider
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
        RequestTransform.RemoveHeader(request, RequestContextMiddleware.QdelayHeader);
        RequestTransform.RemoveHeader(request, gateway.Current.Authentication.ApiKeyHeader); // A credential for the gateway only.
        if (request.HttpContext.Features.Get<RequestContextFeature>() is { } feature)
        {
            if (feature.Tenant is { } tenant)
            {
                request.ProxyRequest.Headers.TryAddWithoutValidation(TenantHeader, tenant);
            }

            request.ProxyRequest.Options.Set(GatewayPropagator.BaggageKey, feature.Baggage ?? "");
        }

        return ValueTask.CompletedTask;
    });
}
