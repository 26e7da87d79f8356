using System.Globalization;
using Gateway.Configuration;
using Gateway.Context;
using Gateway.LoadBalancing;
using Gateway.Metrics;
using Gateway.Problems;

namespace Gateway.Admission;

/// <summary>
/// Admission on enqueue routes (route metadata <c>Gateway.Enqueue: true</c>): each tenant within its concurrency cap
/// and its token bucket, or 429 with an exact <c>Retry-After</c> and a problem+json body naming the tenant and the
/// reason. Every enqueue response carries <c>RateLimit-Policy</c> and <c>RateLimit</c> (IETF httpapi draft).
/// </summary>
internal sealed class AdmissionMiddleware(
    RequestDelegate next, LiveGatewayOptions options, TenantStateRegistry tenants, ITenantBuckets buckets, GatewayMetrics metrics)
{
    public const string AnonymousLabel = "anonymous";
    public const string OtherLabel = "other";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!GatewayMetadata.IsEnqueueRoute(context.GetReverseProxyFeature().Route.Config.Metadata))
        {
            await next(context);
            return;
        }

        var admission = options.Current.Admission;
        var tenant = context.Features.Get<RequestContextFeature>()?.Tenant;
        var limits = TenantLimits.Resolve(admission, tenant);
        var state = tenants.For(tenant);
        var label = tenant is null ? AnonymousLabel : admission.Tenants.ContainsKey(tenant) ? tenant : OtherLabel;
        if (!state.TryEnter(limits.MaxConcurrency))
        {
            await RejectAsync(context, tenant, label, AdmissionReasons.Concurrency, TimeSpan.FromSeconds(1),
                $"{limits.MaxConcurrency} enqueue requests already in flight.");
            return;
        }

        try
        {
            var decision = await buckets.TakeAsync(tenant, limits.RatePerSecond, limits.Burst, context.RequestAborted);
            if (decision.Unavailable)
            {
                await UnavailableAsync(context, tenant, label, decision.RetryAfter);
                return;
            }

            context.Response.OnStarting(() =>
            {
                WriteRateLimitHeaders(context.Response, limits, decision);
                return Task.CompletedTask;
            });
            if (!decision.Taken)
            {
                await RejectAsync(context, tenant, label, AdmissionReasons.Rate, decision.RetryAfter,
                    string.Create(CultureInfo.InvariantCulture, $"Over {limits.RatePerSecond:0.###} enqueues per second (burst {limits.Burst})."));
                return;
            }

            metrics.RecordAdmission(label, admitted: true, reason: "none");
            await next(context);
        }
        finally
        {
            state.Exit();
        }
    }

    private Task RejectAsync(HttpContext context, string? tenant, string label, string reason, TimeSpan retryAfter, string detail)
    {
        metrics.RecordAdmission(label, admitted: false, reason);
        return GatewayProblems.WriteAsync(
            context, StatusCodes.Status429TooManyRequests, reason, "Tenant limit reached",
            $"Tenant '{tenant ?? AnonymousLabel}': {detail}", retryAfter: retryAfter, tenant: tenant ?? AnonymousLabel);
    }

    private Task UnavailableAsync(HttpContext context, string? tenant, string label, TimeSpan retryAfter)
    {
        metrics.RecordAdmission(label, admitted: false, AdmissionReasons.Unavailable);
        return GatewayProblems.WriteAsync(
            context, StatusCodes.Status503ServiceUnavailable, AdmissionReasons.Unavailable, "Admission unavailable",
            "The shared tenant limits cannot be checked right now and the gateway is set to fail closed.", retryAfter: retryAfter,
            tenant: tenant ?? AnonymousLabel);
    }

    /// <summary>
    /// <c>RateLimit-Policy: "tenant";q=burst;w=seconds to fill the bucket</c> and
    /// <c>RateLimit: "tenant";r=whole tokens left;t=seconds until the next token (when refused) or until full</c>.
    /// </summary>
    private static void WriteRateLimitHeaders(HttpResponse response, TenantLimits limits, BucketDecision decision)
    {
        var window = (long)Math.Ceiling(limits.Burst / limits.RatePerSecond);
        var reset = (long)Math.Ceiling((decision.Taken ? decision.FullIn : decision.RetryAfter).TotalSeconds);
        response.Headers["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"\"tenant\";q={limits.Burst};w={window}");
        response.Headers["RateLimit"] = string.Create(CultureInfo.InvariantCulture, $"\"tenant\";r={(long)Math.Floor(decision.Remaining)};t={reset}");
    }
}
