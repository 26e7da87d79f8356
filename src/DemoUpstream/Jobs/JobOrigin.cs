using System.Diagnostics;
using Microsoft.Extensions.Primitives;

namespace DemoUpstream.Jobs;

/// <summary>
/// Who enqueued a job: the enqueuing span's context (the parent of every execution attempt) and its baggage,
/// which carries qdelay into the job and on to its children.
/// </summary>
internal sealed record JobOrigin
{
    /// <summary>No span and no baggage: the job's executions start new traces.</summary>
    public static readonly JobOrigin None = new();

    /// <summary>The enqueuing span's context; default when there was none.</summary>
    public ActivityContext Context { get; init; }

    /// <summary>The enqueuing span's parent span id; default when it had none.</summary>
    public ActivitySpanId ParentSpanId { get; init; }

    public IReadOnlyList<KeyValuePair<string, string?>> Baggage { get; init; } = [];

    /// <summary>
    /// The current span and its baggage. Without a span (nothing listening), a request's baggage comes from its
    /// <c>baggage</c> header instead, and a child's from its parent job.
    /// </summary>
    public static JobOrigin Capture(Activity? current, Func<IReadOnlyList<KeyValuePair<string, string?>>> fallbackBaggage)
    {
        if (current is null)
        {
            return new JobOrigin { Baggage = fallbackBaggage() };
        }

        return new JobOrigin { Context = current.Context, ParentSpanId = current.ParentSpanId, Baggage = [.. current.Baggage] };
    }

    /// <summary>The origin of a request's job: its server span, else its <c>baggage</c> header.</summary>
    public static JobOrigin FromRequest(Activity? current, StringValues baggageHeader) =>
        Capture(current, () => W3CBaggage.Parse(baggageHeader));
}
