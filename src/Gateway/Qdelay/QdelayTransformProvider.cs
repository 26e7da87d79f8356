using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Qdelay;

/// <summary>
/// Never sends <c>X-Qdelay</c> upstream: the delay travels only as the gateway's own baggage members (see
/// <see cref="QdelaySpec.ToBaggageMembers"/>), so an upstream cannot be handed a caller's unchecked copy.
/// </summary>
internal sealed class QdelayTransformProvider : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(static request =>
    {
        RequestTransform.RemoveHeader(request, QdelayMiddleware.Header);
        return ValueTask.CompletedTask;
    });
}
