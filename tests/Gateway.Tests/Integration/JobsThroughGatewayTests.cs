using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Authentication;

namespace Gateway.Tests.Integration;

/// <summary>
/// qdelay and trace context end to end: a client with a signed token → the gateway → real DemoUpstream processes →
/// their background jobs and child jobs. Two DemoUpstreams run under different service names, on /billing and /audit.
/// </summary>
public sealed class JobsThroughGatewayTests : IAsyncLifetime
{
    private const string TraceId = "5bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpanId = "a0f067aa0ba902b7";

    private readonly HttpClient _client = new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { Timeout = TimeSpan.FromSeconds(60) };
    private OtlpReceiver _receiver = null!;
    private ServerProcess _billing = null!;
    private ServerProcess _audit = null!;
    private GatewayConfigFile _config = null!;
    private InProcessServer _gateway = null!;

    public async Task InitializeAsync()
    {
        _receiver = await OtlpReceiver.StartAsync();
        var export = $"--DemoUpstream:OtlpEndpoint={_receiver.Address}";
        _billing = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:ServiceName=billing", "--DemoUpstream:Jobs:Concurrency=4", export);
        _audit = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:ServiceName=audit", "--DemoUpstream:Jobs:Concurrency=4", export);
        _config = new GatewayConfigFile()
            .AddCluster("billing", GatewayPolicies.ConcurrencyAware, [_billing.BaseAddress], pathPrefix: "billing")
            .AddCluster("audit", GatewayPolicies.ConcurrencyAware, [_audit.BaseAddress], pathPrefix: "audit")
            .Set("Gateway:Authentication:HmacKey", JsonValue.Create(TestTokens.HmacKey))
            .Set("Gateway:Tracing:OtlpEndpoint", JsonValue.Create(_receiver.Address.ToString()));
        _gateway = await InProcessGateway.StartAsync(_config.Write());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _billing.DisposeAsync();
        await _audit.DisposeAsync();
        await _receiver.DisposeAsync();
        _config.Dispose();
    }

    [Fact]
    public async Task SampledTraceparent_KeepsOneTraceWithTheParentChainThroughGatewayUpstreamJobAndChildJob()
    {
        var jobs = Jobs("billing", token: null);

        var id = await jobs.EnqueueAcceptedAsync(new { work_ms = 10, children = 1, child_depth = 1 }, ("traceparent", $"00-{TraceId}-{ClientSpanId}-01"));
        var job = await jobs.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30));
        var child = await jobs.WaitForTerminalAsync(Assert.Single(job.GetProperty("children").EnumerateArray()).GetString()!, TimeSpan.FromSeconds(30));

        // Gateway hops, from the exported spans: the client's span → the gateway's server span → its HttpClient span.
        var gatewayServer = await SpanAsync(s => s.TraceId == TraceId && s.ParentSpanId == ClientSpanId);
        var gatewayClient = await SpanAsync(s => s.TraceId == TraceId && s.ParentSpanId == gatewayServer.SpanId);
        // DemoUpstream hops, from the job documents: request span → job span → child's job span.
        Assert.Equal(TraceId, Trace(job, "trace_id"));
        Assert.Equal(TraceId, Trace(child, "trace_id"));
        Assert.Equal(gatewayClient.SpanId, EnqueuedBy(job, "parent_span_id"));
        Assert.Equal(EnqueuedBy(job, "span_id"), Trace(job, "parent_span_id"));
        Assert.Equal(Trace(job, "span_id"), EnqueuedBy(child, "span_id"));
        Assert.Equal(EnqueuedBy(child, "span_id"), Trace(child, "parent_span_id"));
        Assert.Equal(id, child.GetProperty("parent_id").GetString());

        // And the same chain as DemoUpstream exported it: its request span under the gateway's, then the jobs' spans.
        var request = await SpanAsync(s => s.SpanId == EnqueuedBy(job, "span_id"));
        Assert.Equal((TraceId, gatewayClient.SpanId, 2), (request.TraceId, request.ParentSpanId, request.Kind));
        var jobSpan = await SpanAsync(s => s.SpanId == Trace(job, "span_id"));
        Assert.Equal((TraceId, request.SpanId, 5), (jobSpan.TraceId, jobSpan.ParentSpanId, jobSpan.Kind));
        var childSpan = await SpanAsync(s => s.SpanId == Trace(child, "span_id"));
        Assert.Equal((TraceId, jobSpan.SpanId, 5), (childSpan.TraceId, childSpan.ParentSpanId, childSpan.Kind));
    }

    [Fact]
    public async Task TokenWithQdelay_DelaysTheJobAndItsChildWithinTheJitter()
    {
        var jobs = Jobs("billing", Token(new { ms = 1500, jitter_ms = 300 }));

        var id = await jobs.EnqueueAcceptedAsync(new { work_ms = 1, children = 1, child_depth = 1 });
        var job = await jobs.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30));
        var child = await jobs.WaitForTerminalAsync(job.GetProperty("children")[0].GetString()!, TimeSpan.FromSeconds(30));

        foreach (var delayed in new[] { job, child })
        {
            var delay = JobsClient.VisibilityDelay(delayed);
            Assert.InRange(delay.TotalMilliseconds, 1500, 1800);
            Assert.Equal("succeeded", delayed.GetProperty("status").GetString());
            Assert.True(delayed.GetProperty("first_attempt_at").GetDateTimeOffset() >= delayed.GetProperty("visible_at").GetDateTimeOffset());
        }

        // Nested delays compound: the child was enqueued by the parent's run, after the parent's own delay.
        Assert.True(JobsClient.VisibilityDelay(child) + (child.GetProperty("enqueued_at").GetDateTimeOffset() - job.GetProperty("enqueued_at").GetDateTimeOffset())
            >= TimeSpan.FromMilliseconds(3000));
    }

    [Fact]
    public async Task PerServiceOverride_DelaysOnlyTheNamedService()
    {
        var token = Token(new { ms = 0, services = new { billing = 1200 } });

        var billingJob = await Jobs("billing", token).EnqueueAcceptedAsync(new { work_ms = 1 });
        var auditJob = await Jobs("audit", token).EnqueueAcceptedAsync(new { work_ms = 1 });

        var billing = await Jobs("billing", token).WaitForTerminalAsync(billingJob, TimeSpan.FromSeconds(30));
        var audit = await Jobs("audit", token).WaitForTerminalAsync(auditJob, TimeSpan.FromSeconds(30));
        Assert.InRange(JobsClient.VisibilityDelay(billing).TotalMilliseconds, 1200, 1200.5);
        Assert.Equal(TimeSpan.Zero, JobsClient.VisibilityDelay(audit));
    }

    [Fact]
    public async Task WithoutAToken_ForgedBaggageAndHeaderDelayNothing()
    {
        var jobs = Jobs("billing", token: null);

        var id = await jobs.EnqueueAcceptedAsync(
            new { work_ms = 1 }, ("baggage", "qdelay.ms=5000,qdelay.svc.billing=5000"), ("X-Qdelay", "5000"));

        var job = await jobs.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.Zero, JobsClient.VisibilityDelay(job));
        Assert.Equal(0, job.GetProperty("qdelay_ms").GetInt32());
    }

    [Fact]
    public async Task BadToken_Gets401AndEnqueuesNothing()
    {
        var forged = TestTokens.Hs256(new Dictionary<string, object> { ["qdelay"] = 1500 }, key: "not-the-gateways-key-but-32-bytes-long!");

        using var response = await Jobs("billing", forged).EnqueueAsync(new { work_ms = 1 });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var metrics = await Metrics.Exposition.ScrapeAsync(_client, _billing.BaseAddress);
        Assert.Equal(0, metrics.Sum("demo_jobs_enqueued_total"));
    }

    [Fact]
    public async Task TenantClaim_BecomesTheJobsTenantAndASpoofedHeaderDoesNot()
    {
        var jobs = Jobs("billing", TestTokens.Hs256(new Dictionary<string, object> { ["tenant"] = "acme" }));

        var id = await jobs.EnqueueAcceptedAsync(new { work_ms = 1 }, ("X-Tenant-Id", "spoofed"));

        var job = await jobs.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal("acme", job.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task JobsResponses_KeepTheUpstreamHeaderContract_SoTheGatewayCountsNoHeaderErrors()
    {
        var jobs = Jobs("audit", token: null);

        var id = await jobs.EnqueueAcceptedAsync(new { work_ms = 1 });
        await jobs.WaitForTerminalAsync(id, TimeSpan.FromSeconds(30));

        var metrics = await Metrics.Exposition.ScrapeAsync(_client, _gateway.BaseAddress);
        Assert.True(metrics.Sum("gateway_upstream_reported_duration_seconds_count") >= 2);
        Assert.Equal(0, metrics.Sum("gateway_upstream_header_errors_total"));
    }

    private JobsClient Jobs(string service, string? token) => new(_client, new Uri(_gateway.BaseAddress, $"/{service}/")) { Token = token };

    private static string Token(object qdelay) =>
        TestTokens.Hs256(new Dictionary<string, object> { ["qdelay"] = JsonSerializer.SerializeToElement(qdelay) });

    private static string Trace(JsonElement job, string field) => job.GetProperty("trace").GetProperty(field).GetString()!;

    private static string EnqueuedBy(JsonElement job, string field) => job.GetProperty("enqueued_by").GetProperty(field).GetString()!;

    /// <summary>Spans reach the receiver in the exporter's batches (every 5 s by default), so wait for one.</summary>
    private async Task<ReceivedSpan> SpanAsync(Func<ReceivedSpan, bool> match) => (await Eventually.ValueAsync(
        () => _receiver.Spans.FirstOrDefault(match),
        span => span is not null,
        "a matching span is exported",
        describe: _ => $"none among the {_receiver.Spans.Count} spans exported"))!;
}
