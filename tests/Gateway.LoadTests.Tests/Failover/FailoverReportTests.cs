using System.Text.Json;
using Gateway.LoadTests.Failover;

namespace Gateway.LoadTests.Tests.Failover;

public sealed class FailoverReportTests
{
    private static readonly FailoverRow Killed = new(
        "kill", "ours", 6000, 3, 0, 41.6, 1234.4, TrafficOffMs: 12.3, BackMs: 950.2, ListeningMs: 700.4,
        new SequentialResult(100, 1), InFlightAfter: 0, new Dictionary<string, int> { ["502"] = 2, ["connection_reset"] = 1 });

    [Fact]
    public void Row_AKill_ShowsBackAfterWithTheStartUpInBrackets()
    {
        Assert.Equal(
            "| kill | ours | 6000 | 3 | 0.05 | 0 | 42 | 1234 | 12 | 950 (700) | 1 / 100 | 0 | 502 × 2, connection_reset × 1 |",
            FailoverReport.Row(Killed));
    }

    [Fact]
    public void Row_NothingAffectedNeverBackNotOurs_SaysSoInWords()
    {
        var row = Killed with { Proxy = "HAProxy", TrafficOffMs = null, BackMs = null, ListeningMs = null, InFlightAfter = null, Failures = new Dictionary<string, int>() };

        Assert.EndsWith("| none | never | 1 / 100 | n/a | – |", FailoverReport.Row(row), StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_TwoRows_HasTheTableTheDefinitionsAndTheCommand()
    {
        var options = FailoverOptions.Parse(["--events", "kill", "--proxies", "ours,haproxy"]);

        var markdown = FailoverReport.Markdown(options, [Killed, Killed with { Proxy = "HAProxy" }]);

        Assert.Contains("| event | proxy | requests |", markdown, StringComparison.Ordinal);
        Assert.Equal(2, markdown.Split('\n').Count(l => l.StartsWith("| kill |", StringComparison.Ordinal)));
        Assert.Contains($"`{FailoverProxies.OursActiveHealthPolicy}`", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("**stop**", markdown, StringComparison.Ordinal);
        Assert.Contains($"Reproduce: `{options.CommandLine}`", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_ARunWithoutRequests_WritesNaNAndSnakeCase()
    {
        var row = Killed with { Requests = 0, P99Ms = double.NaN, MaxMs = double.NaN };

        using var json = JsonDocument.Parse(FailoverReport.Json(FailoverOptions.Default, [row]));

        var first = json.RootElement.GetProperty("rows")[0];
        Assert.Equal("NaN", first.GetProperty("p99_ms").GetString());
        Assert.Equal(950.2, first.GetProperty("back_ms").GetDouble());
        Assert.Equal(2, first.GetProperty("failures").GetProperty("502").GetInt32());
        Assert.Equal(FailoverProxies.OursActiveHealthPolicy, json.RootElement.GetProperty("ours_active_health_policy").GetString());
    }
}
