using Gateway.Qdelay;

namespace Gateway.Tests.Qdelay;

public sealed class QdelayParserTests
{
    private static readonly QdelayOptions Defaults = new();

    [Theory]
    [InlineData("1500", 1500)]
    [InlineData(" 0 ", 0)]
    [InlineData("900000", 900_000)]
    [InlineData("1.5e3", 1500)]
    public void Parse_Milliseconds_IsTheBaseDelay(string text, int expected)
    {
        var result = QdelayParser.Parse(text, Defaults);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Spec!.Ms);
        Assert.Equal(0, result.Spec.JitterMs);
        Assert.Empty(result.Spec.Services);
    }

    [Fact]
    public void Parse_Object_ReadsEveryField()
    {
        var result = QdelayParser.Parse("""{ "ms": 500, "jitter_ms": "200", "services": { "billing": 2000, "audit-v2": 0 } }""", Defaults);

        Assert.Null(result.Error);
        Assert.Equal(500, result.Spec!.Ms);
        Assert.Equal(200, result.Spec.JitterMs);
        Assert.Equal(new Dictionary<string, int> { ["billing"] = 2000, ["audit-v2"] = 0 }, result.Spec.Services);
        Assert.False(result.Clamped);
    }

    [Fact]
    public void ToBaggageMembers_OmitsZeroJitterAndOrdersServices()
    {
        var spec = QdelayParser.Parse("""{ "ms": 5, "services": { "b": 2, "a": 1 } }""", Defaults).Spec!;

        Assert.Equal(["qdelay.ms=5", "qdelay.svc.a=1", "qdelay.svc.b=2"], spec.ToBaggageMembers());
    }

    [Theory]
    [InlineData("-5", "must not be negative")]
    [InlineData("12.5", "whole number")]
    [InlineData("", "whole number")]
    [InlineData("true", "whole number")]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{ "ms": null }""", "got null")]
    [InlineData("""{ "ms": 1, "delay": 2 }""", "unknown field 'delay'")]
    [InlineData("""{ "services": [1] }""", "must be an object")]
    [InlineData("""{ "services": { "": 1 } }""", "invalid service name")]
    [InlineData("""{ "services": { "a,b": 1 } }""", "invalid service name")]
    [InlineData("""{ "services": { "billing": -1 } }""", "qdelay.services.billing must not be negative")]
    [InlineData("""{ "jitter_ms": -1 }""", "qdelay.jitter_ms must not be negative")]
    public void Parse_BadValue_IsAnErrorNamingTheField(string text, string expected)
    {
        var result = QdelayParser.Parse(text, Defaults);

        Assert.Null(result.Spec);
        Assert.Contains(expected, result.Error);
    }

    [Theory]
    [InlineData("900001")]
    [InlineData("99999999999999")]
    [InlineData("""{ "ms": 1, "services": { "billing": 900000 }, "jitter_ms": 1 }""")]
    public void Parse_AboveTheMaximum_IsRejectedByDefault(string text)
    {
        var result = QdelayParser.Parse(text, Defaults);

        Assert.Contains("at most 900000 ms", result.Error);
    }

    [Fact]
    public void Parse_AboveTheMaximumWithClamp_KeepsJitterAndLowersEachDelay()
    {
        var options = new QdelayOptions { MaxMs = 1000, AboveMax = QdelayAboveMax.Clamp };

        var result = QdelayParser.Parse("""{ "ms": 5000, "jitter_ms": 300, "services": { "a": 100, "b": 999 } }""", options);

        Assert.True(result.Clamped);
        Assert.Equal(700, result.Spec!.Ms);
        Assert.Equal(300, result.Spec.JitterMs);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 100, ["b"] = 700 }, result.Spec.Services);
    }

    [Fact]
    public void Parse_JitterAloneAboveTheMaximumWithClamp_LeavesNoBaseDelay()
    {
        var result = QdelayParser.Parse("""{ "ms": 10, "jitter_ms": 5000 }""", new QdelayOptions { MaxMs = 1000, AboveMax = QdelayAboveMax.Clamp });

        Assert.Equal(0, result.Spec!.Ms);
        Assert.Equal(1000, result.Spec.JitterMs);
    }
}
