using System.Globalization;

namespace DemoUpstream.Jobs;

/// <summary>
/// The jobs API's RFC 9457 problem responses. Each has a machine-readable <c>reason</c>; the <c>type</c> is
/// <c>urn:demo-upstream:problem:&lt;reason&gt;</c>.
/// </summary>
internal static class JobProblems
{
    public const string InvalidRequestReason = "invalid_request";
    public const string NotFoundReason = "job_not_found";
    public const string ShuttingDownReason = "shutting_down";
    public const string QueueFullReason = "queue_full";

    /// <summary>During a drain the client should go elsewhere now: another replica can take the job.</summary>
    public static readonly TimeSpan ShuttingDownRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>A full queue takes a while to drain.</summary>
    public static readonly TimeSpan QueueFullRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>400 naming the field at fault, in <c>detail</c> and in a <c>field</c> member.</summary>
    public static IResult InvalidRequest(string field, string detail) => Problem(
        StatusCodes.Status400BadRequest, InvalidRequestReason, "Invalid job request", detail, new() { ["field"] = field });

    /// <summary>404, also for another tenant's job: whether it exists is not that tenant's business.</summary>
    public static IResult NotFound(string id) => Problem(
        StatusCodes.Status404NotFound, NotFoundReason, "Job not found", $"No job '{id}' (or it is no longer retained).", []);

    public static IResult ShuttingDown(HttpResponse response) => Unavailable(
        response, ShuttingDownReason, "Shutting down", "This instance is shutting down and accepts no new jobs; retry elsewhere.", ShuttingDownRetryAfter);

    public static IResult QueueFull(HttpResponse response, int maxQueued) => Unavailable(
        response, QueueFullReason, "Job queue full", $"{maxQueued} jobs are already queued (DemoUpstream:Jobs:MaxQueued).", QueueFullRetryAfter);

    private static IResult Unavailable(HttpResponse response, string reason, string title, string detail, TimeSpan retryAfter)
    {
        response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, reason, title, detail, []);
    }

    private static IResult Problem(int status, string reason, string title, string detail, Dictionary<string, object?> extensions)
    {
        extensions["reason"] = reason;
        return Results.Problem(detail: detail, statusCode: status, title: title, type: $"urn:demo-upstream:problem:{reason}", extensions: extensions);
    }
}
