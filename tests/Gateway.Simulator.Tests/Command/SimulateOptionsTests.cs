using Gateway.Simulator.Command;
using Gateway.Simulator.Policies;
using ServiceTimes;

namespace Gateway.Simulator.Tests.Command;

public sealed class SimulateOptionsTests
{
    [Fact]
    public void Parse_NoArguments_UsesDocumentedDefaults()
    {
        var options = SimulateOptions.Parse([]);

        Assert.Equal(1, options.Upstreams);
        Assert.Equal(12, options.Slots);
        Assert.Equal(1, options.Replicas);
        Assert.Equal(BalancingPolicies.All, options.Policies);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.Service.Mean);
        Assert.Equal([0.5, 0.7, 0.9], options.Utilizations);
        Assert.Equal(1_000_000, options.Requests);
        Assert.Equal(1, options.Seed);
        Assert.Equal(TimeSpan.FromMilliseconds(0.5), options.RoundTrip);
        Assert.Equal(0.05, options.Warmup);
        Assert.False(options.Json);
    }

    [Fact]
    public void Parse_PolicyNamesInAnyCase_KeepsTheirOrder()
    {
        var options = SimulateOptions.Parse(["--policy", "concurrencyaware, HAPROXYLEASTCONN,randomDirect"]);

        Assert.Equal([BalancingPolicy.ConcurrencyAware, BalancingPolicy.HAProxyLeastConn, BalancingPolicy.RandomDirect], options.Policies);
    }

    [Fact]
    public void Parse_PolicyAll_SelectsEveryPolicy()
    {
        Assert.Equal(8, SimulateOptions.Parse(["--policy", "ALL"]).Policies.Count);
    }

    [Fact]
    public void Parse_EveryOption_Applied()
    {
        var options = SimulateOptions.Parse([
            "--upstreams", "100", "--slots", "8", "--replicas", "10", "--service", "const:20ms", "--utilization", "0.4,0.95",
            "--requests", "5000", "--seed", "-3", "--rtt", "2ms", "--warmup", "0.1", "--json",
        ]);

        Assert.Equal((100, 8, 10), (options.Upstreams, options.Slots, options.Replicas));
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.Service.Mean);
        Assert.Equal([0.4, 0.95], options.Utilizations);
        Assert.Equal((5000, -3, 0.1, true), (options.Requests, options.Seed, options.Warmup, options.Json));
        Assert.Equal(TimeSpan.FromMilliseconds(2), options.RoundTrip);
    }

    [Theory]
    [InlineData("--upstreams", "0")]
    [InlineData("--upstreams", "ten")]
    [InlineData("--upstreams", "10001")]
    [InlineData("--slots", "0")]
    [InlineData("--replicas", "-1")]
    [InlineData("--policy", "Fastest")]
    [InlineData("--policy", "3")]
    [InlineData("--service", "exp:mean=0ms")]
    [InlineData("--service", "gamma:mean=10ms")]
    [InlineData("--service", "const:0ms")]
    [InlineData("--utilization", "1")]
    [InlineData("--utilization", "0")]
    [InlineData("--utilization", "0.5,abc")]
    [InlineData("--utilization", "90%")]
    [InlineData("--requests", "999")]
    [InlineData("--requests", "1e6")]
    [InlineData("--seed", "one")]
    [InlineData("--rtt", "5")]
    [InlineData("--rtt", "-1ms")]
    [InlineData("--warmup", "0.9")]
    public void Parse_BadValue_ThrowsNamingTheOption(string option, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => SimulateOptions.Parse([option, value]));

        Assert.StartsWith(option, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Parse_MissingValue_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => SimulateOptions.Parse(["--slots", "4", "--upstreams"]));

        Assert.Contains("'--upstreams'", error.Message);
    }

    [Fact]
    public void Parse_UnknownOption_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => SimulateOptions.Parse(["--workers", "4"]));

        Assert.Contains("'--workers'", error.Message);
    }

    [Fact]
    public void Parse_TooManyReplicaUpstreamPairs_ThrowsNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => SimulateOptions.Parse(["--upstreams", "10000", "--replicas", "101"]));

        Assert.Contains("--replicas", error.Message);
        Assert.Contains("--upstreams", error.Message);
    }

    [Fact]
    public void Parse_StoreRoundTripDistribution_DrawsFromItAndRoundTrips()
    {
        var options = SimulateOptions.Parse(["--store-rtt", "lognormal:mean=1.8ms,sigma=1.9"]);

        Assert.Equal(TimeSpan.FromMilliseconds(1.8), options.StoreRoundTrip.Mean);
        Assert.IsNotType<ConstantServiceTime>(options.StoreRoundTrip);
        Assert.Contains("--store-rtt lognormal:mean=1.8ms,sigma=1.9", options.ToCommandLine());
        Assert.Equal(options.StoreRoundTrip, SimulateOptions.Parse(["--store-rtt", "lognormal:mean=1.8ms,sigma=1.9"]).StoreRoundTrip);
    }

    [Fact]
    public void Parse_BadStoreRoundTrip_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => SimulateOptions.Parse(["--store-rtt", "soon"]));

        Assert.StartsWith("--store-rtt", error.Message);
    }

    [Fact]
    public void ToCommandLine_Defaults_SpellsOutEveryOption()
    {
        Assert.Equal(
            "loadtests/run.sh simulate --upstreams 1 --slots 12 --replicas 1 --policy all --service exp:mean=100ms "
            + "--utilization 0.5,0.7,0.9 --requests 1000000 --warmup 0.05 --seed 1 --rtt 0.5ms --store-rtt 0.3ms --fleet-reserve 2",
            SimulateOptions.Parse([]).ToCommandLine());
    }

    [Fact]
    public void ToCommandLine_ParsedBack_SameOptions()
    {
        var options = SimulateOptions.Parse([
            "--policy", "leastoutstanding,RoundRobin", "--service", "lognormal:mean=20ms, sigma=1", "--utilization", "0.85",
            "--rtt", "250us", "--json",
        ]);

        var line = options.ToCommandLine();
        Assert.Contains("--policy LeastOutstanding,RoundRobin ", line);
        Assert.Contains("--service 'lognormal:mean=20ms, sigma=1' ", line);
        Assert.Contains("--rtt 0.25ms --store-rtt 0.3ms --fleet-reserve 2 --json", line);
    }
}
