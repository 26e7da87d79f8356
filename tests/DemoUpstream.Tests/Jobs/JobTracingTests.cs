using System.Diagnostics;
using DemoUpstream.Jobs;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobTracingTests
{
    [Fact]
    public async Task PostWithTraceparent_RequestSpanJobSpansAndChildSpans_FormOneChainInTheInboundTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var inboundParent = ActivitySpanId.CreateRandom();
        using var recorder = new ActivityRecorder(traceId);
        await using var server = await JobsServer.StartAsync();
        using var client = server.CreateClient();

        var (response, accepted) = await JobsHttp.PostAsync(
            client,
            """{ "work_ms": 0, "children": 1 }""",
            baggage: "qdelay.ms=20,user=u1",
            traceparent: $"00-{traceId.ToHexString()}-{inboundParent.ToHexString()}-01");
        response.Dispose();
        var job = await JobsHttp.WaitFinishedAsync(client, accepted.GetProperty("id").GetString()!);
        var child = await JobsHttp.WaitFinishedAsync(client, job.GetProperty("children")[0].GetString()!);

        // The POST's server span exists (the DI listener made ASP.NET Core create it) and continues the inbound traceparent.
        var serverSpan = Assert.Single(recorder.Started, a => a.Source.Name == JobActivityListener.AspNetCoreSource && a.Kind == ActivityKind.Server);
        Assert.Equal(inboundParent, serverSpan.ParentSpanId);
        Assert.True(serverSpan.Recorded);

        // .NET 10 fills Activity.Baggage from the W3C baggage header.
        Assert.Equal("20", serverSpan.GetBaggageItem("qdelay.ms"));

        var enqueuedBy = job.GetProperty("enqueued_by");
        var trace = job.GetProperty("trace");
        Assert.Equal(serverSpan.SpanId.ToHexString(), enqueuedBy.GetProperty("span_id").GetString());
        Assert.Equal(inboundParent.ToHexString(), enqueuedBy.GetProperty("parent_span_id").GetString());
        Assert.Equal(traceId.ToHexString(), trace.GetProperty("trace_id").GetString());
        Assert.Equal(enqueuedBy.GetProperty("span_id").GetString(), trace.GetProperty("parent_span_id").GetString());

        // The job's execution span is a Consumer span from DemoUpstream.Jobs carrying the request's baggage.
        var jobSpan = Assert.Single(recorder.Started, a => a.SpanId.ToHexString() == trace.GetProperty("span_id").GetString());
        Assert.Equal(JobActivitySource.Name, jobSpan.Source.Name);
        Assert.Equal(ActivityKind.Consumer, jobSpan.Kind);
        Assert.Equal(serverSpan.SpanId, jobSpan.ParentSpanId);
        Assert.Equal([new("qdelay.ms", "20"), new("user", "u1")], jobSpan.Baggage.ToList());

        // The child was enqueued from inside the job's execution span, in the same trace, with the same baggage.
        var childTrace = child.GetProperty("trace");
        Assert.Equal(trace.GetProperty("span_id").GetString(), child.GetProperty("enqueued_by").GetProperty("span_id").GetString());
        Assert.Equal(trace.GetProperty("span_id").GetString(), childTrace.GetProperty("parent_span_id").GetString());
        Assert.Equal(traceId.ToHexString(), childTrace.GetProperty("trace_id").GetString());
        Assert.Equal(job.GetProperty("id").GetString(), child.GetProperty("parent_id").GetString());
        Assert.Equal(20, child.GetProperty("qdelay_ms").GetInt64());
        var childSpan = Assert.Single(recorder.Started, a => a.SpanId.ToHexString() == childTrace.GetProperty("span_id").GetString());
        Assert.Equal(jobSpan.SpanId, childSpan.ParentSpanId);
        Assert.Equal("20", childSpan.GetBaggageItem("qdelay.ms"));
    }
}
