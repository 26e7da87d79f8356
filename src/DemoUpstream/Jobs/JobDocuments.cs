using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace DemoUpstream.Jobs;

/// <summary>
/// The JSON the jobs API writes, in one place: the 202 body, the status document and the journal line. Timestamps
/// are ISO-8601 UTC with milliseconds; what has not happened yet is null.
/// </summary>
internal static class JobDocuments
{
    public static string Location(string id) => "/jobs/" + id;

    public static object Accepted(JobSnapshot job) => new
    {
        id = job.Id,
        job_token = job.Id,
        status = job.Status.ToWire(),
        location = Location(job.Id),
        enqueued_at = Timestamp(job.EnqueuedAt),
        visible_at = Timestamp(job.VisibleAt),
        tenant = job.Tenant,
        priority = job.Queue,
    };

    public static object Status(JobSnapshot job) => new
    {
        id = job.Id,
        status = job.Status.ToWire(),
        tenant = job.Tenant,
        priority = job.Queue,
        attempts = job.Attempts,
        enqueued_at = Timestamp(job.EnqueuedAt),
        visible_at = Timestamp(job.VisibleAt),
        first_attempt_at = Timestamp(job.FirstAttemptAt),
        finished_at = Timestamp(job.FinishedAt),
        qdelay_ms = (long)job.QDelay.TotalMilliseconds,
        reason = job.Reason,
        parent_id = job.ParentId,
        children = job.Children,
        trace = new
        {
            trace_id = job.TraceId == default ? null : job.TraceId.ToHexString(),
            span_id = Span(job.SpanId),
            parent_span_id = Span(job.ParentSpanId),
        },
        enqueued_by = job.EnqueuedBySpanId == default
            ? null
            : new { span_id = Span(job.EnqueuedBySpanId), parent_span_id = Span(job.EnqueuedByParentSpanId) },
    };

    /// <summary>One journal line: the job's terminal state.</summary>
    public static string JournalLine(JobSnapshot job) => JsonSerializer.Serialize(new
    {
        id = job.Id,
        status = job.Status.ToWire(),
        reason = job.Reason,
        tenant = job.Tenant,
        priority = job.Queue,
        attempts = job.Attempts,
        enqueued_at = Timestamp(job.EnqueuedAt),
        visible_at = Timestamp(job.VisibleAt),
        first_attempt_at = Timestamp(job.FirstAttemptAt),
        finished_at = Timestamp(job.FinishedAt),
    });

    public static string? Timestamp(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string? Span(ActivitySpanId span) => span == default ? null : span.ToHexString();
}
