using Gateway.Problems;
using Gateway.UpstreamFeedback;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.AccessLog;

/// <summary>
/// The first proxy-pipeline step: starts the request's record and its clock, and when the request is done records the
/// request metrics and the access-log line. It also gives YARP's bodiless forwarding errors a problem+json body.
/// </summary>
internal sealed class AccessLogMiddleware(
    RequestDelegate next, TimeProvider time, RequestMetrics metrics, ILoggerFactory loggers, IOptionsMonitor<TimingOptions> options,
    AccessLogWriter accessLogWriter)
{
    private readonly ILogger _accessLog = loggers.CreateLogger(AccessLogger.Category);

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = new GatewayRequestFeature { Started = time.GetTimestamp() };
        context.Features.Set(feature);
        try
        {
            await next(context);
            await DescribeForwarderErrorAsync(context, feature);
        }
        finally
        {
            Record(context, feature);
        }
    }

    private Task DescribeForwarderErrorAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var error = context.GetForwarderErrorFeature();
        if (error is null || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        var proxy = context.GetReverseProxyFeature();
        var cluster = proxy.Cluster.Config.ClusterId;
        if (error.Error == ForwarderError.NoAvailableDestinations)
        {
            return GatewayProblems.WriteAsync(
                context, context.Response.StatusCode, GatewayProblems.NoDestinations, "No healthy destination",
                $"Cluster '{cluster}' has no healthy destination: every one failed its health checks or none is configured.", cluster);
        }

        // The gate classified the last attempt; other policies' requests are classified here.
        var failure = feature.Failure != UpstreamFailureKind.None
            ? feature.Failure
            : UpstreamFailures.Classify(context, error, countServerErrors: false);
        var destination = proxy.ProxiedDestination?.DestinationId ?? feature.Lease?.Destination.DestinationId;
        var (reason, title) = error.Error == ForwarderError.RequestTimedOut
            ? (GatewayProblems.UpstreamTimeout, "Upstream timed out")
            : (GatewayProblems.UpstreamError, "Upstream request failed");
        var timeout = proxy.Cluster.Config.HttpRequest?.ActivityTimeout;
        var what = failure == UpstreamFailureKind.None ? $"failed ({error.Error})" : UpstreamFailures.Describe(failure, timeout);
        var detail = destination is null
            ? $"Forwarding to cluster '{cluster}' failed ({error.Error})."
            : $"Destination '{destination}' of cluster '{cluster}' {what}.";
        if (feature.FailedDestinations is { Count: > 0 } tried)
        {
            detail += $" Tried before it: '{string.Join("', '", tried)}'.";
        }

        return GatewayProblems.WriteAsync(
            context, context.Response.StatusCode, reason, title, detail, cluster,
            extensions: [new("destination", destination), new("failure", failure == UpstreamFailureKind.None ? error.Error.ToString() : UpstreamFailures.Label(failure))]);
    }

    private void Record(HttpContext context, GatewayRequestFeature feature)
    {
        var total = time.GetElapsedTime(feature.Started);
        var proxy = context.GetReverseProxyFeature();
        var route = proxy.Route.Config.RouteId;
        var cluster = proxy.Cluster.Config.ClusterId;
        // Empty when the gateway answered itself (queue full, no destination): Prometheus reads an empty label
        // as no label, so it cannot collide with a destination's name.
        var destination = proxy.ProxiedDestination?.DestinationId ?? feature.Lease?.Destination.DestinationId ?? "";

        // 499 (client closed request) keeps client aborts apart from the gateway's and upstreams' failures.
        var aborted = context.RequestAborted.IsCancellationRequested;
        var status = aborted && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
        metrics.RecordRequest(route, cluster, destination, status, total);
        // The category's level still switches the line off (Logging:LogLevel:Gateway.AccessLog=Warning), whichever output.
        var timing = options.CurrentValue;
        if (timing.AccessLog && _accessLog.IsEnabled(LogLevel.Information))
        {
            var outcome = feature.Rejection ?? (aborted ? "client_aborted" : context.GetForwarderErrorFeature() is { } e ? e.Error.ToString() : "ok");
            var entry = new AccessLogEntry(
                context.Request.Method,
                context.Request.Path.Value ?? "/",
                route,
                cluster,
                destination.Length == 0 ? "-" : destination,
                status,
                Math.Round(total.TotalMilliseconds, 3),
                Math.Round(feature.QueueWait.TotalMilliseconds, 3),
                feature.UpstreamRoundTrip is { } rt ? Math.Round(rt.TotalMilliseconds, 3) : null,
                feature.AppDuration is { } app ? Math.Round(app.TotalMilliseconds, 3) : null,
                feature.UpstreamLocalQueue is { } ulq ? Math.Round(ulq.TotalMilliseconds, 3) : null,
                outcome,
                feature.Retries);
            if (timing.AccessLogOutput == AccessLogOutput.Stdout)
            {
                accessLogWriter.Write(entry);
            }
            else
            {
                AccessLogger.Request(_accessLog, entry);
            }
        }
    }
}
