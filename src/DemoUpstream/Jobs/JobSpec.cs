using System.Text.Json;

namespace DemoUpstream.Jobs;

/// <summary>What a job does when it runs, from the <c>POST /jobs</c> body. Children inherit it.</summary>
internal sealed record JobSpec
{
    public const long MaxWorkMs = 600_000;

    /// <summary>How long each attempt works (a TimeProvider delay).</summary>
    public long WorkMs { get; init; } = 50;

    /// <summary>Attempts 1..N fail (and are retried with backoff).</summary>
    public int FailAttempts { get; init; }

    /// <summary>Every attempt fails for good: status <c>failed</c>, reason <c>permanent</c>, no retry.</summary>
    public bool FailPermanently { get; init; }

    /// <summary>Children each job above <see cref="ChildDepth"/> enqueues when it succeeds.</summary>
    public int Children { get; init; }

    /// <summary>Levels of children below the job the request enqueued (depth 0).</summary>
    public int ChildDepth { get; init; } = 1;

    /// <summary>The request's <c>payload</c>, kept as given.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Jobs this spec causes below its root: children + children² + … over <see cref="ChildDepth"/> levels, stopping once past <paramref name="limit"/>.</summary>
    public long Descendants(long limit)
    {
        long total = 0, level = 1;
        for (var depth = 1; depth <= ChildDepth && Children > 0; depth++)
        {
            level *= Children;
            total += level;
            if (total > limit)
            {
                break;
            }
        }

        return total;
    }
}
