using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Jobs;

/// <summary>
/// <c>POST /jobs</c> enqueues a job and answers 202 with its token; <c>GET /jobs/{id}</c> reports it, optionally
/// long-polling with <c>?wait_ms=</c>. Mapped explicitly because simulated work claims every other path.
/// </summary>
internal static class JobEndpoints
{
    public const string JobTokenHeader = "Job-Token";
    public const int MaxWaitMs = 30_000;

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder endpoints)
    {
        // Resolved now, not on first use: request spans are recorded, and the queue gauges exposed, from the start.
        endpoints.ServiceProvider.GetRequiredService<JobActivityListener>();
        endpoints.ServiceProvider.GetRequiredService<JobScheduler>();

        var jobs = endpoints.MapGroup("/jobs").AddEndpointFilter(ReportAppTimeAsync);
        jobs.MapPost("", PostAsync);
        jobs.MapGet("/{id}", GetAsync);
        return endpoints;
    }

    /// <summary>
    /// Every jobs response carries <c>Server-Timing: app;dur=</c>, the handler's own time (a long poll's wait included),
    /// as the header contract asks of upstreams; the gateway counts a missing one as an upstream header error.
    /// </summary>
    private static async ValueTask<object?> ReportAppTimeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var started = time.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["Server-Timing"] = string.Create(
                CultureInfo.InvariantCulture, $"app;dur={time.GetElapsedTime(started).TotalMilliseconds:0.###}");
            return Task.CompletedTask;
        });
        return await next(invocation);
    }

    private static async Task<IResult> PostAsync(HttpContext context, JobScheduler scheduler, IOptions<JobsOptions> options)
    {
        var request = context.Request;
        if (scheduler.IsShuttingDown)
        {
            return JobProblems.ShuttingDown(context.Response);
        }

        if (!JobTenant.TryResolve(request.Headers[JobTenant.HeaderName], out var tenant))
        {
            return JobProblems.InvalidRequest(
                JobTenant.HeaderName, $"'{JobTenant.HeaderName}' must be one header of 1–64 characters of A–Z, a–z, 0–9, '_', '.' or '-'.");
        }

        JsonElement? body = null;
        using (var buffer = new MemoryStream())
        {
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            if (buffer.Length > 0)
            {
                try
                {
                    using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
                    body = document.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    return JobProblems.InvalidRequest("body", $"The body is not valid JSON: {ex.Message}");
                }
            }
        }

        if (!JobRequest.TryParse(body, options.Value, out var job, out var error))
        {
            return JobProblems.InvalidRequest(error.Field, error.Detail);
        }

        var origin = JobOrigin.FromRequest(Activity.Current, request.Headers[W3CBaggage.HeaderName]);
        var result = scheduler.Enqueue(new JobSubmission(tenant, job.Queue, job.Spec, origin));
        switch (result.Outcome)
        {
            case EnqueueOutcome.ShuttingDown:
                return JobProblems.ShuttingDown(context.Response);
            case EnqueueOutcome.QueueFull:
                return JobProblems.QueueFull(context.Response, options.Value.MaxQueued);
        }

        var accepted = result.Job!;
        var headers = context.Response.Headers;
        headers.Location = JobDocuments.Location(accepted.Id);
        headers[JobTokenHeader] = accepted.Id;
        headers[JobBacklog.HeaderName] = result.Backlog.ToLoadMetrics();
        return Results.Json(JobDocuments.Accepted(accepted), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, JobScheduler scheduler)
    {
        var wait = TimeSpan.Zero;
        if (context.Request.Query.TryGetValue("wait_ms", out var waitText))
        {
            if (!int.TryParse(waitText, NumberStyles.None, CultureInfo.InvariantCulture, out var waitMs) || waitMs > MaxWaitMs)
            {
                return JobProblems.InvalidRequest("wait_ms", $"'wait_ms' must be a whole number of milliseconds from 0 to {MaxWaitMs}, got '{waitText}'.");
            }

            wait = TimeSpan.FromMilliseconds(waitMs);
        }

        // Checked before waiting, so another tenant cannot even make the server wait on a job that is not theirs.
        if (scheduler.Find(id) is not { } job || !VisibleTo(job, context.Request.Headers[JobTenant.HeaderName]))
        {
            return JobProblems.NotFound(id);
        }

        if (wait > TimeSpan.Zero && !job.Status.IsTerminal())
        {
            job = await scheduler.WaitAsync(id, wait, context.RequestAborted) ?? job;
        }

        context.Response.Headers[JobBacklog.HeaderName] = scheduler.Backlog(job.Queue, job.Tenant).ToLoadMetrics();
        return Results.Json(JobDocuments.Status(job));
    }

    /// <summary>Without <c>X-Tenant-Id</c> the id alone is the capability; with one, it must be the job's tenant.</summary>
    private static bool VisibleTo(JobSnapshot job, Microsoft.Extensions.Primitives.StringValues tenantHeader) =>
        tenantHeader.Count == 0 || (tenantHeader.Count == 1 && string.Equals(tenantHeader[0], job.Tenant, StringComparison.Ordinal));
}
