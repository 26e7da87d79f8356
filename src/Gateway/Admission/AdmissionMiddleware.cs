using System.Globalization;
using Gateway.Authentication;
using Gateway.LoadBalancing;
using Gateway.Problems;
using Gateway.UpstreamFeedback;
using Microsoft.Extensions.Options;

namespace Gateway.Admission;

/// <summary>
/// Admission on enqueue routes (route metadata <c>Gateway.Enqueue: true</c>), in order: the request's priority class
/// is not being shed (else 503), the tenant is within its concurrency cap and its token bucket (else 429). The
/// bucket fills at the tenant's effective rate, which shrinks while the upstream reports the tenant's backlog in
/// the class older than the class's SLO. Rejections carry an exact <c>Retry-After</c> and a problem+json body
/// naming the tenant and the reason; every enqueue response carries <c>RateLimit-Policy</c> and <c>RateLimit</c>
/// (IETF httpapi draft). The upstream's backlog report on the response feeds the next decisions.
/// </summary>
internal sealed class AdmissionMiddleware(
    RequestDelegate next, IOptionsMonitor<AdmissionOptions> options, TenantStateRegistry tenants, ITenantBuckets buckets, ClassShedding shedding,
    AdmissionMetrics metrics)
{
    public const string AnonymousLabel = "anonymous";
    public const string OtherLabel = "other";

    private PriorityLadder? _ladder;

    /// <summary>The <c>tenant</c> label: a configured tenant, <c>anonymous</c>, or <c>other</c>, so it stays bounded.</summary>
    public static string Label(AdmissionOptions admission, string? tenant) =>
        tenant is null ? AnonymousLabel : admission.Tenants.ContainsKey(tenant) ? tenant : OtherLabel;

    /// <summary>
    /// The share of its rate a tenant keeps: 1 while its backlog is within the SLO, else SLO / age, never below
    /// <paramref name="floor"/>. It comes back as the backlog drains, or once the last report is older than the TTL.
    /// </summary>
    public static double RateFactor(double? backlogAgeMs, TimeSpan slo, double floor) =>
        backlogAgeMs is { } age && age > slo.TotalMilliseconds ? Math.Max(floor, slo.TotalMilliseconds / age) : 1;

    /// <summary>Other routes pass straight through, without an async state machine held while they wait.</summary>
    public Task InvokeAsync(HttpContext context) =>
        GatewayMetadata.IsEnqueueRoute(context.GetReverseProxyFeature().Route.Config.Metadata) ? AdmitAsync(context) : next(context);

    private async Task AdmitAsync(HttpContext context)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var admission = options.CurrentValue;
        var ladder = _ladder = PriorityLadder.For(admission, _ladder);
        var tenant = context.Features.Get<TenantFeature>()?.Tenant;
        var label = Label(admission, tenant);
        tenants.SweepIfDue(admission);
        if (!TryResolveClass(context, admission, ladder, route.Metadata, out var className, out var badClass))
        {
            metrics.RecordAdmission(label, admitted: false, AdmissionReasons.InvalidClass);
            await GatewayProblems.WriteAsync(
                context, StatusCodes.Status400BadRequest, AdmissionReasons.InvalidClass, "Unknown priority class",
                $"{admission.ClassHeader} '{badClass}' is not a priority class; known: {string.Join(", ", admission.Classes.Keys.Order(StringComparer.Ordinal))}.",
                tenant: tenant ?? AnonymousLabel);
            return;
        }

        var cluster = shedding.For(route.ClusterId ?? string.Empty);
        if (cluster.IsShed(ladder, className, admission.Backpressure))
        {
            metrics.RecordAdmission(label, admitted: false, AdmissionReasons.Overloaded);
            await GatewayProblems.WriteAsync(
                context, StatusCodes.Status503ServiceUnavailable, AdmissionReasons.Overloaded, "Overloaded",
                $"Cluster '{cluster.ClusterId}' is shedding priority classes {string.Join(", ", ladder.ShedAt(cluster.Level))} while its backlog is older than the SLO; class '{className}' was refused.",
                cluster: cluster.ClusterId, retryAfter: admission.Backpressure.ShedInterval, tenant: tenant ?? AnonymousLabel);
            return;
        }

        var limits = TenantLimits.Resolve(admission, tenant);
        var state = tenants.For(tenant);
        if (!state.TryEnter(limits.MaxConcurrency))
        {
            await RejectAsync(context, tenant, label, AdmissionReasons.Concurrency, TimeSpan.FromSeconds(1),
                $"{limits.MaxConcurrency} enqueue requests already in flight.");
            return;
        }

        try
        {
            var factor = RateFactor(state.BacklogAgeMs(className, admission.Backpressure.ReportTtl), ladder.Slo(className), admission.Backpressure.MinRateFraction);
            var rate = limits.RatePerSecond * factor;
            state.EffectiveRate = rate;
            var decision = await buckets.TakeAsync(tenant, rate, limits.Burst, context.RequestAborted);
            state.RecordDecision(decision.Remaining);
            if (decision.Unavailable)
            {
                await UnavailableAsync(context, tenant, label, decision.RetryAfter);
                return;
            }

            context.Response.OnStarting(() =>
            {
                WriteRateLimitHeaders(context.Response, rate, limits.Burst, decision);
                return Task.CompletedTask;
            });
            if (!decision.Taken)
            {
                var backpressure = factor < 1
                    ? string.Create(CultureInfo.InvariantCulture, $" (reduced from {limits.RatePerSecond:0.###} while the tenant's '{className}' backlog is older than its SLO of {ladder.Slo(className).TotalSeconds:0.###} s)")
                    : string.Empty;
                await RejectAsync(context, tenant, label, AdmissionReasons.Rate, decision.RetryAfter,
                    string.Create(CultureInfo.InvariantCulture, $"Over {rate:0.###} enqueues per second{backpressure} (burst {limits.Burst})."));
                return;
            }

            metrics.RecordAdmission(label, admitted: true, reason: "none");
            await next(context);
            Learn(context, state, cluster, className);
        }
        finally
        {
            state.Exit();
        }
    }

    /// <summary>The class named by the header, else by the route, else the default. False for a header naming no class.</summary>
    private static bool TryResolveClass(
        HttpContext context, AdmissionOptions admission, PriorityLadder ladder, IReadOnlyDictionary<string, string>? metadata,
        out string className, out string? badClass)
    {
        badClass = null;
        if (admission.ClassHeader.Length > 0 && context.Request.Headers[admission.ClassHeader] is { Count: > 0 } header)
        {
            className = header.ToString();
            if (ladder.Contains(className))
            {
                return true;
            }

            badClass = className;
            return false;
        }

        // A route naming a class that a live reload removed falls back to the default (start-up refuses it).
        className = metadata is not null && metadata.TryGetValue(GatewayMetadata.PriorityClass, out var routeClass) && ladder.Contains(routeClass)
            ? routeClass
            : admission.DefaultClass;
        return true;
    }

    /// <summary>Keeps the backlog ages the upstream reported on an admitted request's response.</summary>
    private static void Learn(HttpContext context, TenantState state, ClusterShedding cluster, string className)
    {
        if (context.Features.Get<GatewayRequestFeature>()?.LoadReport is not { } report)
        {
            return;
        }

        if (report.TenantBacklogAgeMs is { } tenantAge)
        {
            state.RecordBacklog(className, tenantAge);
        }

        if (report.BacklogAgeMs is { } age)
        {
            cluster.Record(className, age);
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
    /// <c>RateLimit: "tenant";r=whole tokens left;t=seconds until the next token (when refused) or until full</c>,
    /// both at the effective rate.
    /// </summary>
    private static void WriteRateLimitHeaders(HttpResponse response, double rate, int burst, BucketDecision decision)
    {
        var window = (long)Math.Ceiling(burst / rate);
        var reset = (long)Math.Ceiling((decision.Taken ? decision.FullIn : decision.RetryAfter).TotalSeconds);
        response.Headers["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"\"tenant\";q={burst};w={window}");
        response.Headers["RateLimit"] = string.Create(CultureInfo.InvariantCulture, $"\"tenant\";r={(long)Math.Floor(decision.Remaining)};t={reset}");
    }
}
