using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Tracing;

/// <summary>
/// Hands the baggage step's composition to <see cref="GatewayPropagator"/>, which writes it and the trace headers on
/// the upstream request; an empty value sends no baggage at all.
/// </summary>
internal sealed class BaggageTransformProvider : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(static request =>
    {
        request.ProxyRequest.Options.Set(GatewayPropagator.BaggageKey, request.HttpContext.Features.Get<BaggageFeature>()?.Header ?? "");
        return ValueTask.CompletedTask;
    });
}
