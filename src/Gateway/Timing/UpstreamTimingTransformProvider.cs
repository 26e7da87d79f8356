using System.Globalization;
using System.Net.Http.Headers;
using Gateway.Configuration;
using Gateway.LoadBalancing;
using Gateway.Metrics;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Timing;

/// <summary>
/// Times the upstream round trip (request transform → response transform, which YARP runs just before
/// sending and as soon as response headers arrive), reads the upstream's Server-Timing and load report,
/// and derives the upstream-local queueing estimate. Bad upstream headers are counted and ignored.
/// </summary>
internal sealed class UpstreamTimingTransformProvider(
    TimeProvider time, GatewayMetrics metrics, LiveGatewayOptions options, DestinationBacklogs backlogs)
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

            if (request.HttpContext.GetReverseProxyFeature().ProxiedDestination is { } destination)
            {
                request.ProxyRequest.Options.Set(MeteredForwarderHttpClientFactory.DestinationKey, destination.DestinationId);
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

        if (feature.Lease is { } lease)
        {
            // An empty report still matters: it tells the gate this upstream will not teach it a limit.
            lease.Gate.ReportLoad(lease, report.InFlight, report.Limit, feature.UpstreamLocalQueue);
            if (options.Current.LoadBalancing.ReleaseOn == SlotRelease.ResponseHeaders)
            {
                // The upstream's worker is done; the gate middleware's later release is then a no-op.
                lease.Dispose();
            }
        }

        metrics.RecordUpstream(
            proxy.Cluster.Config.ClusterId,
            destinationId,
            roundTrip,
            feature.AppDuration,
            feature.UpstreamLocalQueue);

        if (options.Current.Timing.ServerTimingHeader)
        {
            AppendServerTiming(context.HttpContext.Response, feature, time.GetElapsedTime(feature.Started));
        }
    }

    /// <summary>One header's values as the single comma-separated list HTTP defines them to be equivalent to.</summary>
    private static string Joined(HeaderStringValues values) => values.Count == 1 ? values.ToString() : string.Join(',', values);

    private static void AppendServerTiming(HttpResponse response, GatewayRequestFeature feature, TimeSpan sinceStart)
    {
        var upstream = feature.UpstreamRoundTrip?.TotalMilliseconds ?? 0;
        var own = feature.UpstreamLocalQueue is { } ulq
            ? string.Create(
                CultureInfo.InvariantCulture,
                stackalloc char[128],
                $"gateway;dur={sinceStart.TotalMilliseconds:0.###}, queue;dur={feature.QueueWait.TotalMilliseconds:0.###}, upstream;dur={upstream:0.###}, ulq;dur={ulq.TotalMilliseconds:0.###}")
            : string.Create(
                CultureInfo.InvariantCulture,
                stackalloc char[128],
                $"gateway;dur={sinceStart.TotalMilliseconds:0.###}, queue;dur={feature.QueueWait.TotalMilliseconds:0.###}, upstream;dur={upstream:0.###}");
        response.Headers["Server-Timing"] = StringValues.Concat(response.Headers["Server-Timing"], own);
    }
}
