using Gateway.Configuration;
using Gateway.Metrics;
using Gateway.Problems;
using Gateway.Timing;

namespace Gateway.LoadBalancing;

/// <summary>
/// Proxy-pipeline step before YARP's load balancer. For clusters using the gateway's policies it takes a
/// destination slot (waiting in the cluster's queue if <c>ConcurrencyAware</c> finds none free), narrows
/// the request to that destination, and frees the slot when forwarding ends, however it ends.
/// </summary>
internal sealed class ConcurrencyGateMiddleware(
    RequestDelegate next, ClusterGateRegistry gates, GatewayMetrics metrics, LiveGatewayOptions options)
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
        DestinationLease lease;
        if (leastOutstanding)
        {
            // Never null: there is at least one candidate and limits do not apply.
            lease = gate.TryAcquireLeastOutstanding(proxy.Cluster, candidates)!;
        }
        else
        {
            var result = await gate.AcquireAsync(proxy.Cluster, candidates, context.RequestAborted);

            // A request turned away because the queue was full never waited; counting it as a 0 s wait
            // would pull the queue-wait quantiles down exactly when the queue is full.
            if (result.Outcome != GateOutcome.QueueFull)
            {
                metrics.RecordQueueWait(cluster.ClusterId, result.Waited);
            }

            if (feature is not null)
            {
                feature.QueueWait = result.Waited;
            }

            if (result.Lease is not { } granted)
            {
                await RejectAsync(context, feature, cluster.ClusterId, result);
                return;
            }

            lease = granted;
        }

        using (lease)
        {
            if (feature is not null)
            {
                feature.Lease = lease;
            }

            proxy.AvailableDestinations = lease.Destination;
            await next(context);
        }
    }

    private Task RejectAsync(HttpContext context, GatewayRequestFeature? feature, string clusterId, GateResult result)
    {
        var retryAfter = TimeSpan.FromSeconds(options.Current.Queue.RetryAfterSeconds);
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
}
