using System.Text.Json;
using DemoUpstream.Jobs;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobRequestTests
{
    private static readonly JobsOptions Options = new() { MaxChildren = 10 };

    private static (bool Ok, JobRequest Request, JobRequestError Error) Parse(string? json)
    {
        JsonElement? body = json is null ? null : JsonDocument.Parse(json).RootElement;
        var ok = JobRequest.TryParse(body, Options, out var request, out var error);
        return (ok, request, error);
    }

    [Fact]
    public void TryParse_NoBody_UsesEveryDefault()
    {
        var (ok, request, _) = Parse(null);

        Assert.True(ok);
        Assert.Equal("default", request.Queue);
        Assert.Equal(new JobSpec { WorkMs = 50, FailAttempts = 0, FailPermanently = false, Children = 0, ChildDepth = 1 }, request.Spec);
    }

    [Fact]
    public void TryParse_EveryField_IsRead()
    {
        var (ok, request, _) = Parse("""
            { "priority": "low", "work_ms": 600000, "fail_attempts": 2, "fail": "permanent", "children": 2, "child_depth": 2, "payload": { "order": [1, 2] } }
            """);

        Assert.True(ok);
        Assert.Equal("low", request.Queue);
        Assert.Equal(600_000, request.Spec.WorkMs);
        Assert.Equal(2, request.Spec.FailAttempts);
        Assert.True(request.Spec.FailPermanently);
        Assert.Equal(2, request.Spec.Children);
        Assert.Equal(2, request.Spec.ChildDepth);
        Assert.Equal("""{ "order": [1, 2] }""", request.Spec.Payload!.Value.GetRawText());
    }

    [Theory]
    [InlineData("""{ "priority": "urgent" }""", "priority")]
    [InlineData("""{ "priority": 1 }""", "priority")]
    [InlineData("""{ "work_ms": -1 }""", "work_ms")]
    [InlineData("""{ "work_ms": 600001 }""", "work_ms")]
    [InlineData("""{ "work_ms": 1.5 }""", "work_ms")]
    [InlineData("""{ "work_ms": "50" }""", "work_ms")]
    [InlineData("""{ "fail_attempts": -2 }""", "fail_attempts")]
    [InlineData("""{ "fail": "sometimes" }""", "fail")]
    [InlineData("""{ "children": -1 }""", "children")]
    [InlineData("""{ "children": 11 }""", "children")]
    [InlineData("""{ "children": 3, "child_depth": 2 }""", "children")]
    [InlineData("""{ "child_depth": -1 }""", "child_depth")]
    [InlineData("""{ "colour": "red" }""", "colour")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""null""", "body")]
    public void TryParse_BadField_FailsNamingIt(string json, string field)
    {
        var (ok, _, error) = Parse(json);

        Assert.False(ok);
        Assert.Equal(field, error.Field);
        Assert.Contains(field == "body" ? "body" : $"'{field}'", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, 1, 10)]
    [InlineData(3, 2, 12)]
    [InlineData(2, 3, 14)]
    [InlineData(0, 1000000, 0)]
    public void Descendants_ChildrenOverLevels_SumsEachLevel(int children, int depth, long expected)
    {
        Assert.Equal(expected, new JobSpec { Children = children, ChildDepth = depth }.Descendants(limit: 1000));
    }

    [Fact]
    public void Descendants_HugeFanOut_StopsCountingPastTheLimitWithoutOverflow()
    {
        Assert.InRange(new JobSpec { Children = int.MaxValue, ChildDepth = int.MaxValue }.Descendants(limit: 100), 101, long.MaxValue);
        Assert.Equal(101, new JobSpec { Children = 1, ChildDepth = int.MaxValue }.Descendants(limit: 100));
    }
}
