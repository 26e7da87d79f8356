using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DemoUpstream.Tests.Jobs;

public sealed partial class JobEndpointsTests(JobsServerFixture fixture) : IClassFixture<JobsServerFixture>
{
    private static DateTimeOffset Time(JsonElement job, string field)
    {
        var text = job.GetProperty(field).GetString()!;
        Assert.Matches(TimestampPattern(), text);
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task PostThenGet_OnRealKestrel_FollowTheContract()
    {
        using var client = fixture.Server.CreateClient();

        var (response, body) = await JobsHttp.PostAsync(
            client, """{ "priority": "high", "work_ms": 0, "payload": { "order": 7 } }""", tenant: "acme", baggage: "qdelay.ms=250");

        using (response)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var id = body.GetProperty("id").GetString()!;
            Assert.Matches(IdPattern(), id);
            Assert.Equal($"/jobs/{id}", response.Headers.Location?.OriginalString);
            Assert.Equal(id, JobsHttp.Header(response, "Job-Token"));
            Assert.Equal(id, body.GetProperty("job_token").GetString());
            Assert.Equal($"/jobs/{id}", body.GetProperty("location").GetString());
            Assert.Equal("queued", body.GetProperty("status").GetString());
            Assert.Equal("acme", body.GetProperty("tenant").GetString());
            Assert.Equal("high", body.GetProperty("priority").GetString());
            Assert.Equal(TimeSpan.FromMilliseconds(250), Time(body, "visible_at") - Time(body, "enqueued_at"));
            Assert.Matches(LoadMetricsPattern(), JobsHttp.Header(response, "endpoint-load-metrics"));
        }

        var jobId = body.GetProperty("id").GetString()!;
        var job = await JobsHttp.WaitFinishedAsync(client, jobId);

        Assert.Equal(jobId, job.GetProperty("id").GetString());
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("acme", job.GetProperty("tenant").GetString());
        Assert.Equal("high", job.GetProperty("priority").GetString());
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        Assert.Equal(250, job.GetProperty("qdelay_ms").GetInt64());
        Assert.True(Time(job, "first_attempt_at") >= Time(job, "visible_at"), "started before visible_at");
        Assert.True(Time(job, "finished_at") >= Time(job, "first_attempt_at"), "finished before it started");
        Assert.Equal(JsonValueKind.Null, job.GetProperty("reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, job.GetProperty("parent_id").ValueKind);
        Assert.Equal(0, job.GetProperty("children").GetArrayLength());

        // A request span existed (the listener made ASP.NET Core create one), so qdelay came from Activity.Baggage.
        var trace = job.GetProperty("trace");
        var enqueuedBy = job.GetProperty("enqueued_by");
        Assert.Matches(SpanPattern(), enqueuedBy.GetProperty("span_id").GetString());
        Assert.Matches(TracePattern(), trace.GetProperty("trace_id").GetString());
        Assert.Matches(SpanPattern(), trace.GetProperty("span_id").GetString());
        Assert.Equal(enqueuedBy.GetProperty("span_id").GetString(), trace.GetProperty("parent_span_id").GetString());
    }

    [Fact]
    public async Task Post_EmptyBody_EnqueuesADefaultJobForTheAnonymousTenant()
    {
        using var client = fixture.Server.CreateClient();

        using var response = await client.PostAsync("/jobs", content: null);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("anonymous", body.GetProperty("tenant").GetString());
        Assert.Equal("default", body.GetProperty("priority").GetString());
        Assert.Equal(body.GetProperty("enqueued_at").GetString(), body.GetProperty("visible_at").GetString());
    }

    [Fact]
    public async Task Post_TwoJobs_GetDifferentUnguessableIds()
    {
        using var client = fixture.Server.CreateClient();

        var ids = await Task.WhenAll(JobsHttp.EnqueueAsync(client), JobsHttp.EnqueueAsync(client));

        Assert.NotEqual(ids[0], ids[1]);
        Assert.All(ids, id => Assert.Matches(IdPattern(), id));
    }

    [Theory]
    [InlineData("""{ "priority": "urgent" }""", "priority")]
    [InlineData("""{ "work_ms": -5 }""", "work_ms")]
    [InlineData("""{ "work_ms": 600001 }""", "work_ms")]
    [InlineData("""{ "fail_attempts": -1 }""", "fail_attempts")]
    [InlineData("""{ "fail": "maybe" }""", "fail")]
    [InlineData("""{ "children": 11 }""", "children")]
    [InlineData("""{ "children": 3, "child_depth": 3 }""", "children")]
    [InlineData("""{ "child_depth": -2 }""", "child_depth")]
    [InlineData("""{ "work_ms": 10, "extra": true }""", "extra")]
    [InlineData("""[]""", "body")]
    [InlineData("""{ "work_ms": """, "body")]
    public async Task Post_BadBody_Returns400ProblemNamingTheField(string json, string field)
    {
        using var client = fixture.Server.CreateClient();

        var (response, problem) = await JobsHttp.PostAsync(client, json);

        using (response)
        {
            JobsHttp.AssertProblem(response, problem, HttpStatusCode.BadRequest, "invalid_request");
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.False(response.Headers.Contains("Location"));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("x/y")]
    public async Task Post_InvalidTenantHeader_Returns400NamingTheHeader(string tenant)
    {
        using var client = fixture.Server.CreateClient();

        var (response, problem) = await JobsHttp.PostAsync(client, tenant: tenant);

        using (response)
        {
            JobsHttp.AssertProblem(response, problem, HttpStatusCode.BadRequest, "invalid_request");
            Assert.Equal("X-Tenant-Id", problem.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Post_SixtyFiveCharacterTenant_Returns400()
    {
        using var client = fixture.Server.CreateClient();

        var (response, _) = await JobsHttp.PostAsync(client, tenant: new string('t', 65));

        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        using var client = fixture.Server.CreateClient();

        var (response, problem) = await JobsHttp.GetAsync(client, new string('0', 32));

        using (response)
        {
            JobsHttp.AssertProblem(response, problem, HttpStatusCode.NotFound, "job_not_found");
        }
    }

    [Fact]
    public async Task Get_AnotherTenantsJob_Returns404AsIfItDidNotExist()
    {
        using var client = fixture.Server.CreateClient();
        var id = await JobsHttp.EnqueueAsync(client, tenant: "acme", baggage: "qdelay.ms=60000");

        var (other, problem) = await JobsHttp.GetAsync(client, id, "?wait_ms=30000", tenant: "globex");
        var (same, _) = await JobsHttp.GetAsync(client, id, tenant: "acme");
        var (untenanted, _) = await JobsHttp.GetAsync(client, id);

        using (other)
        using (same)
        using (untenanted)
        {
            // Answered at once, not after the wait: another tenant cannot even make the server wait on the job.
            JobsHttp.AssertProblem(other, problem, HttpStatusCode.NotFound, "job_not_found");
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
            Assert.Equal(HttpStatusCode.OK, untenanted.StatusCode);
        }
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("30001")]
    [InlineData("1.5")]
    [InlineData("soon")]
    public async Task Get_BadWaitMs_Returns400NamingWaitMs(string waitMs)
    {
        using var client = fixture.Server.CreateClient();
        var id = await JobsHttp.EnqueueAsync(client, """{ "work_ms": 0 }""");

        var (response, problem) = await JobsHttp.GetAsync(client, id, $"?wait_ms={waitMs}");

        using (response)
        {
            JobsHttp.AssertProblem(response, problem, HttpStatusCode.BadRequest, "invalid_request");
            Assert.Equal("wait_ms", problem.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Get_Children_ListsThemAndEachNamesItsParent()
    {
        using var client = fixture.Server.CreateClient();
        var id = await JobsHttp.EnqueueAsync(client, """{ "work_ms": 0, "children": 2 }""", tenant: "acme");

        var parent = await JobsHttp.WaitFinishedAsync(client, id);

        var children = parent.GetProperty("children").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(2, children.Count);
        foreach (var childId in children)
        {
            var child = await JobsHttp.WaitFinishedAsync(client, childId);
            Assert.Equal(id, child.GetProperty("parent_id").GetString());
            Assert.Equal("acme", child.GetProperty("tenant").GetString());
            Assert.Equal("succeeded", child.GetProperty("status").GetString());
        }
    }

    [GeneratedRegex(@"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\z")]
    private static partial Regex TimestampPattern();

    [GeneratedRegex(@"\A[0-9a-f]{32}\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\A[0-9a-f]{32}\z")]
    private static partial Regex TracePattern();

    [GeneratedRegex(@"\A[0-9a-f]{16}\z")]
    private static partial Regex SpanPattern();

    [GeneratedRegex(@"\ATEXT named_metrics\.backlog=\d+, named_metrics\.backlog_age_ms=\d+, named_metrics\.tenant_backlog=\d+, named_metrics\.tenant_backlog_age_ms=\d+\z")]
    private static partial Regex LoadMetricsPattern();
}
