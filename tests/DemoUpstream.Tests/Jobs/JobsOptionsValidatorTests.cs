using DemoUpstream.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobsOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(JobsOptions options) => new JobsOptionsValidator().Validate(Options.DefaultName, options);

    private static string SingleFailure(JobsOptions options)
    {
        var result = Validate(options);
        Assert.True(result.Failed);
        return Assert.Single(result.Failures!);
    }

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = Validate(new JobsOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void JobsOptions_Defaults_AreTheDocumentedOnes()
    {
        var options = new JobsOptions();

        Assert.Equal(4, options.Concurrency);
        Assert.Equal(["high", "default", "low"], options.EffectiveQueues());
        Assert.Equal("default", options.DefaultQueue);
        Assert.Equal(3, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromHours(1), options.Ttl);
        Assert.Equal(100, options.MaxChildren);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ShutdownGrace);
        Assert.Null(options.JournalPath);
        Assert.Equal(100_000, options.MaxQueued);
        Assert.Equal(100_000, options.RetainFinished);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_ConcurrencyBelowOne_FailsNamingTheKey(int concurrency)
    {
        Assert.Equal($"DemoUpstream:Jobs:Concurrency must be ≥ 1, got {concurrency}.", SingleFailure(new JobsOptions { Concurrency = concurrency }));
    }

    [Fact]
    public void Validate_BadQueueName_FailsNamingTheQueueIndex()
    {
        var failure = SingleFailure(new JobsOptions { Queues = ["high", "de fault", "default"] });

        Assert.StartsWith("DemoUpstream:Jobs:Queues:1 ", failure, StringComparison.Ordinal);
        Assert.Contains("'de fault'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateQueue_FailsNamingQueues()
    {
        Assert.StartsWith("DemoUpstream:Jobs:Queues names 'default' more than once", SingleFailure(new JobsOptions { Queues = ["default", "default"] }), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DefaultQueueNotAQueue_FailsNamingDefaultQueue()
    {
        var failure = SingleFailure(new JobsOptions { Queues = ["gold", "silver"] });

        Assert.StartsWith("DemoUpstream:Jobs:DefaultQueue must be one of the queues (gold, silver)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RetryMaxBelowBase_FailsNamingRetryMaxDelay()
    {
        var failure = SingleFailure(new JobsOptions { RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromSeconds(1) });

        Assert.StartsWith("DemoUpstream:Jobs:RetryMaxDelay must be ≥ RetryBaseDelay", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TtlBeyondWhatATimerCanWait_FailsNamingTtl()
    {
        Assert.StartsWith("DemoUpstream:Jobs:Ttl must be at most", SingleFailure(new JobsOptions { Ttl = TimeSpan.FromDays(60) }), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroShutdownGrace_IsAllowed()
    {
        Assert.True(Validate(new JobsOptions { ShutdownGrace = TimeSpan.Zero }).Succeeded);
    }

    [Fact]
    public void Validate_EveryBadSetting_ReportsEveryKey()
    {
        var result = Validate(new JobsOptions
        {
            Concurrency = 0,
            MaxAttempts = 0,
            RetryBaseDelay = TimeSpan.Zero,
            Ttl = TimeSpan.FromSeconds(-1),
            ShutdownGrace = TimeSpan.FromSeconds(-1),
            MaxChildren = -1,
            JournalPath = " ",
            MaxQueued = 0,
            RetainFinished = -1,
            DefaultQueue = "none",
        });

        Assert.True(result.Failed);
        string[] keys = ["Concurrency", "MaxAttempts", "RetryBaseDelay", "Ttl", "ShutdownGrace", "MaxChildren", "JournalPath", "MaxQueued", "RetainFinished", "DefaultQueue"];
        Assert.Equal(keys.Length, result.Failures!.Count());
        Assert.All(keys, key => Assert.Contains(result.Failures!, f => f.StartsWith($"DemoUpstream:Jobs:{key} ", StringComparison.Ordinal)));
    }

    [Fact]
    public void AddDemoUpstream_JobsSection_BindsEverySettingAndQueuesReplaceTheDefaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DemoUpstream:Jobs:Concurrency"] = "2",
            ["DemoUpstream:Jobs:Queues:0"] = "gold",
            ["DemoUpstream:Jobs:Queues:1"] = "bronze",
            ["DemoUpstream:Jobs:DefaultQueue"] = "bronze",
            ["DemoUpstream:Jobs:MaxAttempts"] = "5",
            ["DemoUpstream:Jobs:RetryBaseDelay"] = "00:00:00.050",
            ["DemoUpstream:Jobs:RetryMaxDelay"] = "00:00:02",
            ["DemoUpstream:Jobs:Ttl"] = "00:10:00",
            ["DemoUpstream:Jobs:MaxChildren"] = "7",
            ["DemoUpstream:Jobs:ShutdownGrace"] = "00:00:05",
            ["DemoUpstream:Jobs:JournalPath"] = "/tmp/journal.jsonl",
            ["DemoUpstream:Jobs:MaxQueued"] = "9",
            ["DemoUpstream:Jobs:RetainFinished"] = "8",
            ["DemoUpstream:Jobs:Seed"] = "3",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddDemoUpstream(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<JobsOptions>>().Value;

        Assert.Equal(2, options.Concurrency);
        Assert.Equal(["gold", "bronze"], options.EffectiveQueues());
        Assert.Equal("bronze", options.DefaultQueue);
        Assert.Equal(5, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Ttl);
        Assert.Equal(7, options.MaxChildren);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ShutdownGrace);
        Assert.Equal("/tmp/journal.jsonl", options.JournalPath);
        Assert.Equal(9, options.MaxQueued);
        Assert.Equal(8, options.RetainFinished);
        Assert.Equal(3, options.Seed);
    }

    [Fact]
    public async Task AddDemoUpstream_BadJobsSetting_StopsStartUpNamingTheKey()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DemoUpstream:Jobs:Concurrency"] = "0" });
        builder.Services.AddDemoUpstream(builder.Configuration);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("DemoUpstream:Jobs:Concurrency must be ≥ 1, got 0.", ex.Failures);
    }

    [Theory]
    [InlineData("00:01:00", 70)]
    [InlineData("00:00:00", 30)]
    public void AddDemoUpstream_ShutdownGrace_HostShutdownTimeoutOutlastsIt(string grace, int expectedSeconds)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DemoUpstream:Jobs:ShutdownGrace"] = grace });
        builder.Services.AddDemoUpstream(builder.Configuration);
        using var host = builder.Build();

        var timeout = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), timeout);
    }
}
