using System.Globalization;
using Gateway.UpstreamFeedback;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.AccessLog;

/// <summary>
/// With <c>Gateway:Timing:ServerTimingHeader</c> on, appends the gateway's own figures (<c>gateway</c>, <c>queue</c>,
/// <c>upstream</c>, <c>ulq</c>) to the <c>Server-Timing</c> of each upstream response. Runs after
/// <see cref="UpstreamFeedbackTransformProvider"/>, which measured them.
/// </summary>
internal sealed class ServerTimingTransformProvider(TimeProvider time, IOptionsMonitor<TimingOptions> options) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddResponseTransform(response =>
    {
        if (options.CurrentValue.ServerTimingHeader
            && response.HttpContext.Features.Get<GatewayRequestFeature>() is { UpstreamSent: not 0 } feature
            && response.ProxyResponse is not null)
        {
            AppendServerTiming(response.HttpContext.Response, feature, time.GetElapsedTime(feature.Started));
        }

        return ValueTask.CompletedTask;
    });

    private static void AppendServerTiming(HttpResponse response, GatewayRequestFeature feature, TimeSpan sinceStart)
    {
        var upstream = new Milliseconds(feature.UpstreamRoundTrip?.TotalMilliseconds ?? 0);
        var own = feature.UpstreamLocalQueue is { } ulq
            ? string.Create(
                CultureInfo.InvariantCulture,
                stackalloc char[128],
                $"gateway;dur={Milliseconds.Of(sinceStart)}, queue;dur={Milliseconds.Of(feature.QueueWait)}, upstream;dur={upstream}, ulq;dur={Milliseconds.Of(ulq)}")
            : string.Create(
                CultureInfo.InvariantCulture,
                stackalloc char[128],
                $"gateway;dur={Milliseconds.Of(sinceStart)}, queue;dur={Milliseconds.Of(feature.QueueWait)}, upstream;dur={upstream}");
        response.Headers["Server-Timing"] = StringValues.Concat(response.Headers["Server-Timing"], own);
    }
}
