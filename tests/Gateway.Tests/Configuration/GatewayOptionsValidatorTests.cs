using Gateway.Configuration;
using Gateway.Forwarding;
using Gateway.LoadBalancing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Configuration;

/// <summary>The <c>Gateway</c> section checked as a whole, with the checks each feature registers for its sections.</summary>
public sealed class GatewayOptionsValidatorTests
{
    private static readonly GatewayOptionsValidator Validator = new(
        new ServiceCollection().AddGatewayLoadBalancing().AddGatewayForwarding().BuildServiceProvider());

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
    public void Validate_BadHealthRetryAndUpstreamValues_FailNamingEachKey()
    {
        var options = new GatewayOptions
        {
            Health =
            {
                ConsecutiveFailures = 0, FailureRatio = 1.5, FailureRatioMinRequests = 0, FailureWindow = TimeSpan.Zero,
                ReactivationPeriod = TimeSpan.FromSeconds(-1), MaxEjectedPercent = 101, MaxRetryAfter = TimeSpan.FromSeconds(-1),
            },
            Retry = { MaxRetries = 11, IdempotentMethods = ["GET", "G ET"] },
            Upstream = { ConnectTimeout = TimeSpan.Zero, ActivityTimeout = TimeSpan.FromSeconds(-5) },
        };

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        var failures = string.Join("\n", result.Failures!);
        foreach (var key in new[]
        {
            "Gateway:Health:ConsecutiveFailures", "Gateway:Health:FailureRatio ", "Gateway:Health:FailureRatioMinRequests",
            "Gateway:Health:FailureWindow", "Gateway:Health:ReactivationPeriod", "Gateway:Health:MaxEjectedPercent",
            "Gateway:Health:MaxRetryAfter", "Gateway:Retry:MaxRetries", "Gateway:Retry:IdempotentMethods:1",
            "Gateway:Upstream:ConnectTimeout", "Gateway:Upstream:ActivityTimeout",
        })
        {
            Assert.Contains(key, failures, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("IdempotentMethods:0", failures, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroQueueLength_IsAllowed()
    {
        Assert.True(Validator.Validate(null, new GatewayOptions { Queue = { MaxLength = 0 } }).Succeeded);
    }
}
