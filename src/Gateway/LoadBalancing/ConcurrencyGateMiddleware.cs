using System.Net.Http.Headers;
using Gateway.Balancing;
using Gateway.Problems;
using Gateway.UpstreamFeedback;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// Proxy-pipeline step before YARP's load balancer. For clusters using the gateway's policies it takes a
/// destination slot (waiting in the cluster's queue if <c>ConcurrencyAware</c> finds none free), narrows
/// the request to that destination, and disposes the lease when forwarding ends, however it ends (the lease frees
/// its slot then, unless the response headers already did). Each attempt's
/// outcome feeds passive health, and an attempt that failed before the upstream saw the request goes again
/// to a destination not yet tried.
/// </summary>
internal sealed partial class ConcurrencyGateMiddleware(
    RequestDelegate next, ClusterGateRegistry gates, LoadBalancingMetrics metrics, IOptionsMonitor<RetryOptions> retryOptions,
    IOptionsMonitor<HealthOptions> healthOptions, IOptionsMonitor<QueueOptions> queueOptions, TimeProvider time, ILogger<ConcurrencyGateMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var policy = proxy.Cluster.Config.LoadBalancingPolicy;
        var leastOutstanding = string.Equals(policy, GatewayPolicies.LeastOutstanding, StringComparison.OrdinalIgnoreCase);
        var concurrencyAware = string.Equals(policy, GatewayPolicies.ConcurrencyAware, StringComparison.OrdinalIgnoreCase);
        var candidates = proxy.AvailableDestinations;
        if ((!leastOutstanding && !concurrencyAware) || candidates.Count == 0 || proxy.Route.Cluster is not { } cluster)
        {
            await next(context);
            return;
        }

        var gate = gates.Get(cluster.ClusterId);
        var feature = context.Features.Get<GatewayRequestFeature>();
        var retry = retryOptions.CurrentValue;
        var health = healthOptions.CurrentValue;
        var waited = TimeSpan.Zero;
        for (var attempt = 0; ; attempt++)
        {
            DestinationLease lease;
            if (leastOutstanding)
            {
                // Never null: there is at least one candidate and limits do not apply.
                lease = gate.TryAcquireLeastOutstanding(proxy.Cluster, candidates)!;
            }
            else
            {
                var result = await gate.AcquireAsync(proxy.Cluster, candidates, context.RequestAborted);
                waited += result.Waited;

                // A request turned away because the queue was full never waited; counting it as a 0 s wait
                // would pull the queue-wait quantiles down exactly when the queue is full.
                if (result.Outcome != GateOutcome.QueueFull)
                {
                    metrics.RecordQueueWait(cluster.ClusterId, result.Waited);
                }

                if (feature is not null)
                {
                    feature.QueueWait = waited;
                }

                if (result.Lease is not { } granted)
                {
                    await RejectAsync(context, feature, cluster.ClusterId, result);
                    return;
                }

                lease = granted;
            }

            UpstreamFailureKind failure;
            using (lease)
            {
                if (feature is not null)
                {
                    feature.Lease = lease;
                }

                proxy.AvailableDestinations = lease.Destination;
                await next(context);
                failure = RecordOutcome(context, gate, lease, health);
            }

            if (feature is not null)
            {
                feature.Failure = failure;
            }

            if (failure == UpstreamFailureKind.None)
            {
                return;
            }

            if (attempt >= retry.MaxRetries || !MayRetry(context, failure, retry)
                || Untried(candidates, lease.Destination) is not { Count: > 0 } rest)
            {
                // YARP's own warning for this is turned down in appsettings.json, since it fires for attempts that a
                // retry then saves too; this one fires once per request that failed for good.
                Log.Failed(logger, cluster.ClusterId, lease.Destination.DestinationId, UpstreamFailures.Label(failure), attempt,
                    context.GetForwarderErrorFeature()?.Exception);
                return;
            }

            // The upstream never answered: nothing reached the client, so the request can go again as if new.
            var failed = lease.Destination.DestinationId;
            metrics.RecordRetry(cluster.ClusterId, failed, UpstreamFailures.Label(failure));
            Log.Retrying(logger, cluster.ClusterId, failed, UpstreamFailures.Label(failure), attempt + 1);
            if (feature is not null)
            {
                feature.Retries++;
                (feature.FailedDestinations ??= []).Add(failed);
                feature.UpstreamSent = 0;
            }

            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status200OK;
            proxy.ProxiedDestination = null;
            candidates = rest;
        }
    }

    private static bool MayRetry(HttpContext context, UpstreamFailureKind failure, RetryOptions retry)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }

        if (UpstreamFailures.BeforeRequestSent(failure))
        {
            return true;
        }

        // Bytes went out, so only an idempotent request without a body may go again, and never after a timeout:
        // a hung upstream would cost the timeout twice.
        return failure == UpstreamFailureKind.ConnectionReset
            && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true }
            && retry.IdempotentMethods.Exists(m => string.Equals(m, context.Request.Method, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The candidates without the one that just failed, or null when none is left. Each retry narrows the list again,
    /// so it never holds a destination this request already tried.
    /// </summary>
    private static List<DestinationState>? Untried(IReadOnlyList<DestinationState> candidates, DestinationState failed)
    {
        List<DestinationState>? rest = null;
        foreach (var candidate in candidates)
        {
            if (!ReferenceEquals(candidate, failed))
            {
                (rest ??= []).Add(candidate);
            }
        }

        return rest;
    }

    private UpstreamFailureKind RecordOutcome(HttpContext context, ClusterGate gate, DestinationLease lease, HealthOptions health)
    {
        var clusterId = gate.ClusterId;
        var destinationId = lease.Destination.DestinationId;
        var failure = UpstreamFailures.Classify(context, context.GetForwarderErrorFeature(), health.CountServerErrors);
        TimeSpan? holdBack = null;
        if (failure == UpstreamFailureKind.None && context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable
            && context.GetForwarderErrorFeature() is null && health.MaxRetryAfter > TimeSpan.Zero
            && RetryAfter(context.Response.Headers.RetryAfter.ToString()) is { } retryAfter)
        {
            holdBack = retryAfter < health.MaxRetryAfter ? retryAfter : health.MaxRetryAfter;
        }

        if (failure != UpstreamFailureKind.None)
        {
            metrics.RecordUpstreamFailure(clusterId, destinationId, UpstreamFailures.Label(failure));
        }

        var outcome = gate.RecordOutcome(lease, failure, holdBack);
        switch (outcome.Kind)
        {
            case HealthEventKind.Ejected:
                Log.Ejected(logger, clusterId, destinationId, outcome.Reason!, UpstreamFailures.Label(failure), outcome.Duration.TotalSeconds);
                break;
            case HealthEventKind.Recovered:
                Log.Recovered(logger, clusterId, destinationId);
                break;
            case HealthEventKind.HeldBack:
                Log.HeldBack(logger, clusterId, destinationId, outcome.Duration.TotalSeconds);
                break;
        }

        metrics.RecordHealthEvent(clusterId, outcome);
        return failure;
    }

    /// <summary>A Retry-After value (delay in seconds, or an HTTP date) as a delay from now; null when absent or invalid.</summary>
    private TimeSpan? RetryAfter(string value) =>
        !RetryConditionHeaderValue.TryParse(value, out var parsed) ? null
        : parsed.Delta is { } delta ? delta
        : parsed.Date is { } date && date > time.GetUtcNow() ? date - time.GetUtcNow()
        : null;

    private Task RejectAsync(HttpContext context, GatewayRequestFeature? feature, string clusterId, GateResult result)
    {
        var retryAfter = TimeSpan.FromSeconds(queueOptions.CurrentValue.RetryAfterSeconds);
        switch (result.Outcome)
        {
            case GateOutcome.QueueFull:
                return GatewayProblems.WriteAsync(
                    context, StatusCodes.Status503ServiceUnavailable, GatewayProblems.QueueFull, "Gateway queue is full",
                    $"Every destination of cluster '{clusterId}' is at its concurrency limit and the cluster's queue is full.",
                    clusterId, retryAfter);
            case GateOutcome.QueueTimeout:
                return GatewayProblems.WriteAsync(
                    context, StatusCodes.Status503ServiceUnavailable, GatewayProblems.QueueTimeout, "Timed out waiting in the gateway queue",
                    $"No destination slot of cluster '{clusterId}' became free within {result.Waited.TotalMilliseconds:0} ms.",
                    clusterId, retryAfter);
            default:
                // The client went away while queued: nobody is left to answer.
                SetRejection(feature, "client_aborted");
                return Task.CompletedTask;
        }
    }

    private static void SetRejection(GatewayRequestFeature? feature, string reason)
    {
        if (feature is not null)
        {
            feature.Rejection = reason;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning,
            "Destination '{Destination}' of cluster '{Cluster}' ejected for {Seconds} s ({Reason}, last failure {Failure}); it comes back half-open.")]
        public static partial void Ejected(ILogger logger, string cluster, string destination, string reason, string failure, double seconds);

        [LoggerMessage(2, LogLevel.Information, "Destination '{Destination}' of cluster '{Cluster}' is back in full rotation.")]
        public static partial void Recovered(ILogger logger, string cluster, string destination);

        [LoggerMessage(3, LogLevel.Debug,
            "Destination '{Destination}' of cluster '{Cluster}' answered 503 with Retry-After: new work avoids it for {Seconds} s.")]
        public static partial void HeldBack(ILogger logger, string cluster, string destination, double seconds);

        [LoggerMessage(4, LogLevel.Debug, "Retrying a request of cluster '{Cluster}' elsewhere after '{Destination}' failed ({Failure}); retry {Retry}.")]
        public static partial void Retrying(ILogger logger, string cluster, string destination, string failure, int retry);

        [LoggerMessage(5, LogLevel.Warning, "A request of cluster '{Cluster}' failed at '{Destination}' ({Failure}) after {Retries} retries.")]
        public static partial void Failed(ILogger logger, string cluster, string destination, string failure, int retries, Exception? exception);
    }
}
