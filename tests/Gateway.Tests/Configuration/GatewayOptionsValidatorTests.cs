using Gateway.Configuration;

namespace Gateway.Tests.Configuration;

public sealed class GatewayOptionsValidatorTests
{
    private static readonly GatewayOptionsValidator Validator = new();

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(Validator.Validate(null, new GatewayOptions()).Succeeded);
    }

    [Fact]
    public void Validate_EveryBadValue_FailsNamingEachKey()
    {
        var options = new GatewayOptions
        {
            Queue = { MaxLength = -1, Timeout = TimeSpan.Zero, RetryAfterSeconds = -2 },
            LoadBalancing = { DefaultConcurrencyLimit = 0, LoadReportTtl = TimeSpan.FromSeconds(-1), BacklogReportTtl = TimeSpan.Zero },
        };

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        var failures = string.Join("\n", result.Failures!);
        foreach (var key in new[]
        {
            "Gateway:Queue:MaxLength", "Gateway:Queue:Timeout", "Gateway:Queue:RetryAfterSeconds",
            "Gateway:LoadBalancing:DefaultConcurrencyLimit", "Gateway:LoadBalancing:LoadReportTtl", "Gateway:LoadBalancing:BacklogReportTtl",
        })
        {
            Assert.Contains(key, failures, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_ZeroQueueLength_IsAllowed()
    {
        Assert.True(Validator.Validate(null, new GatewayOptions { Queue = { MaxLength = 0 } }).Succeeded);
    }
}
