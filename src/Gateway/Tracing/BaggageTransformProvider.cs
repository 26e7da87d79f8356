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
        // Without a composition and without a caller's baggage the span carries none, so the runtime writes none and
        // there is nothing to replace: the request goes without the options entry (a dictionary per request).
        var composed = request.HttpContext.Features.Get<BaggageFeature>()?.Header;
        var headers = request.HttpContext.Request.Headers;
        if (composed is not null || headers.ContainsKey(GatewayPropagator.BaggageHeader) || headers.ContainsKey(GatewayPropagator.LegacyBaggageHeader))
        {
            request.ProxyRequest.Options.Set(GatewayPropagator.BaggageKey, composed ?? "");
        }

        return ValueTask.CompletedTask;
    });
}
