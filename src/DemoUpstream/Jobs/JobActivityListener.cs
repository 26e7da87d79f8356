using System.Diagnostics;

namespace DemoUpstream.Jobs;

/// <summary>
/// Makes ASP.NET Core's request spans and the jobs' execution spans exist without OpenTelemetry: ASP.NET Core
/// creates its server Activity (continuing an inbound <c>traceparent</c>, carrying <c>baggage</c>) only when something
/// listens to <c>Microsoft.AspNetCore</c>. Both sources are sampled AllDataAndRecorded. One per host, disposed with it.
/// </summary>
internal sealed class JobActivityListener : IDisposable
{
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly ActivityListener _listener;

    public JobActivityListener()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is AspNetCoreSource or JobActivitySource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            SampleUsingParentId = (ref ActivityCreationOptions<string> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();
}
