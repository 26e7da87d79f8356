using System.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.UpstreamFeedback;

/// <summary>
/// Times the upstream round trip (request transform → response transform, which YARP runs just before
/// sending and as soon as response headers arrive), reads the upstream's Server-Timing and load report,
/// and derives the upstream-local queueing estimate. The gate's lease, the backlogs and the request's record get what
/// was read. Bad upstream headers are counted and ignored.
/// </summary>
internal sealed class UpstreamFeedbackTransformProvider(TimeProvider time, UpstreamMetrics metrics, DestinationBacklogs backlogs)
    : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        context.AddRequestTransform(request =>
        {
            if (request.HttpContext.Features.Get<GatewayRequestFeature>() is { } feature)
            {
                feature.UpstreamSent = time.GetTimestamp();
            }

            return ValueTask.CompletedTask;
        });
        context.AddResponseTransform(response =>
        {
            OnResponse(response);
            return ValueTask.CompletedTask;
        });
    }

    private void OnResponse(ResponseTransformContext context)
    {
        var feature = context.HttpContext.Features.Get<GatewayRequestFeature>();
        if (feature is null || context.ProxyResponse is not { } upstream || feature.UpstreamSent == 0)
        {
            return;
        }

        var roundTrip = time.GetElapsedTime(feature.UpstreamSent);
        feature.UpstreamRoundTrip = roundTrip;

        // NonValidated: the raw header text, without HttpClient parsing and storing it on first access.
        if (!upstream.Headers.NonValidated.TryGetValues("Server-Timing", out var timingValues))
        {
            metrics.RecordHeaderError(HeaderErrorKinds.ServerTimingMissing);
        }
        else if (ServerTimingParser.TryGetDuration(Joined(timingValues), "app", out var app))
        {
            feature.AppDuration = app;
            var ulq = roundTrip - app;
            feature.UpstreamLocalQueue = ulq > TimeSpan.Zero ? ulq : TimeSpan.Zero;
        }
        else
        {
            metrics.RecordHeaderError(HeaderErrorKinds.ServerTimingInvalid);
        }

        var proxy = context.HttpContext.GetReverseProxyFeature();
        var destinationId = proxy.ProxiedDestination?.DestinationId ?? feature.Lease?.Destination.DestinationId ?? "unknown";
        var report = default(LoadReport);
        if (LoadReportParser.TryParse(upstream.Headers, out report, out var present))
        {
            feature.LoadReport = report;
            backlogs.Record(proxy.Cluster.Config.ClusterId, destinationId, report);
        }
        else if (present)
        {
            metrics.RecordHeaderError(HeaderErrorKinds.LoadReportInvalid);
        }
        else if (feature.Lease is not null)
        {
            // Only the concurrency gate relies on a report with every response; elsewhere it is optional.
            metrics.RecordHeaderError(HeaderErrorKinds.LoadReportMissing);
        }

        feature.Lease?.OnResponseHeaders(report, feature.UpstreamLocalQueue);
        metrics.RecordUpstream(
            proxy.Cluster.Config.ClusterId,
            destinationId,
            roundTrip,
            feature.AppDuration,
            feature.UpstreamLocalQueue);
    }

    /// <summary>One header's values as the single comma-separated list HTTP defines them to be equivalent to.</summary>
    private static string Joined(HeaderStringValues values) => values.Count == 1 ? values.ToString() : string.Join(',', values);
}
