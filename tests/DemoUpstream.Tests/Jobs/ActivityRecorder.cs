using System.Collections.Concurrent;
using System.Diagnostics;
using DemoUpstream.Jobs;

namespace DemoUpstream.Tests.Jobs;

/// <summary>
/// Collects the spans of one trace from ASP.NET Core and the jobs source. It samples nothing itself (None), so every
/// span it sees exists because the server under test made it exist; spans of other tests' traces are ignored.
/// </summary>
internal sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _started = new();

    public ActivityRecorder(ActivityTraceId traceId)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is JobActivityListener.AspNetCoreSource or JobActivitySource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStarted = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    _started.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Started => [.. _started];

    public void Dispose() => _listener.Dispose();
}
