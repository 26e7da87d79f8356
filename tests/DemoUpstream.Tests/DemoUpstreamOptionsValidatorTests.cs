using System.Globalization;
using DemoUpstream.Slots;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Tests;

public sealed class DemoUpstreamOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(DemoUpstreamOptions options) =>
        new DemoUpstreamOptionsValidator().Validate(Options.DefaultName, options);

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = Validate(new DemoUpstreamOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("collector:4318")]
    [InlineData("ftp://collector:4318")]
    [InlineData("/v1/traces")]
    public void Validate_OtlpEndpointNotAnHttpAddress_FailsNamingTheKey(string endpoint)
    {
        var result = Validate(new DemoUpstreamOptions { OtlpEndpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute) });

        Assert.True(result.Failed);
        Assert.Contains("DemoUpstream:OtlpEndpoint must be an absolute http or https address", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeCloseConnectionEvery_FailsNamingTheKey()
    {
        var result = Validate(new DemoUpstreamOptions { CloseConnectionEvery = -1 });

        Assert.True(result.Failed);
        Assert.Contains("DemoUpstream:CloseConnectionEvery must be 0 (never) or more, got -1.", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Validate_SlotsBelowOne_FailsNamingSlotsKey(int slots)
    {
        var result = Validate(new DemoUpstreamOptions { Slots = slots });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("DemoUpstream:Slots", failure, StringComparison.Ordinal);
        Assert.Contains(slots.ToString(CultureInfo.InvariantCulture), failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("exp:mean=0ms", "mean=<duration > 0>")]
    [InlineData("gamma:mean=20ms", "'gamma' is not a known kind")]
    [InlineData("", "empty")]
    public void Validate_BadServiceTime_FailsNamingServiceTimeKeyAndTheProblem(string serviceTime, string expectedFragment)
    {
        var result = Validate(new DemoUpstreamOptions { ServiceTime = serviceTime });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("DemoUpstream:ServiceTime", failure, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServiceTimeBeyondTimeSpanRange_FailsNamingServiceTimeKey()
    {
        // Must be a failure naming the key, not an OverflowException escaping the validator.
        var result = Validate(new DemoUpstreamOptions { ServiceTime = "const:1e300s" });

        Assert.True(result.Failed);
        Assert.Contains("DemoUpstream:ServiceTime", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServiceTimeLongerThanTaskDelayAllows_FailsNamingServiceTimeKey()
    {
        // 5,000,000 s is about 58 days, past Task.Delay's ~49.7-day limit: if it passes start-up,
        // every request without ?ms= fails with a 500 instead.
        var result = Validate(new DemoUpstreamOptions { ServiceTime = "const:5000000s" });

        Assert.True(result.Failed);
        Assert.Contains("DemoUpstream:ServiceTime", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyServiceName_FailsNamingServiceNameKey()
    {
        var result = Validate(new DemoUpstreamOptions { ServiceName = " " });

        Assert.True(result.Failed);
        Assert.Contains("DemoUpstream:ServiceName", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryKey()
    {
        var result = Validate(new DemoUpstreamOptions { Slots = 0, ServiceTime = "exp:", ServiceName = "" });

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("DemoUpstream:Slots", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("DemoUpstream:ServiceTime", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("DemoUpstream:ServiceName", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddDemoUpstream_BadConfiguration_StopsStartUpNamingTheKeys()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DemoUpstream:Slots"] = "0",
            ["DemoUpstream:ServiceTime"] = "lognormal:mean=20ms,sigma=0",
        });
        builder.Services.AddDemoUpstream(builder.Configuration);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.Contains("DemoUpstream:Slots", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("DemoUpstream:ServiceTime", StringComparison.Ordinal) && f.Contains("sigma", StringComparison.Ordinal));
    }

    [Fact]
    public void AddDemoUpstream_ConfigurationSection_BindsEverySetting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DemoUpstream:Slots"] = "4",
                ["DemoUpstream:ServiceTime"] = "const:5ms",
                ["DemoUpstream:ServiceName"] = "orders",
                ["DemoUpstream:Seed"] = "17",
            })
            .Build();
        var services = new ServiceCollection().AddDemoUpstream(configuration);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DemoUpstreamOptions>>().Value;

        Assert.Equal(4, options.Slots);
        Assert.Equal("const:5ms", options.ServiceTime);
        Assert.Equal("orders", options.ServiceName);
        Assert.Equal(17, options.Seed);
        Assert.Equal(4, provider.GetRequiredService<SlotPool>().Slots);
    }
}
