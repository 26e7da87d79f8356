using Gateway.Admission;

namespace Gateway.Tests.Admission;

public sealed class TenantLimitsTests
{
    private static readonly AdmissionOptions Options = new()
    {
        Tenants = new Dictionary<string, TenantOptions>
        {
            ["acme"] = new() { Tier = "gold", Burst = 7 },
            ["globex"] = new(),
        },
        Tiers = new Dictionary<string, TenantLimitOptions>
        {
            [AdmissionOptions.DefaultTier] = new() { RatePerSecond = 10, Burst = 20, MaxConcurrency = 5 },
            [AdmissionOptions.AnonymousTier] = new() { RatePerSecond = 1, Burst = 2, MaxConcurrency = 1 },
            ["gold"] = new() { RatePerSecond = 100, Burst = 200, MaxConcurrency = 50 },
        },
    };

    [Theory]
    [InlineData(null, 1, 2, 1)]
    [InlineData("initech", 10, 20, 5)]
    [InlineData("globex", 10, 20, 5)]
    [InlineData("acme", 100, 7, 50)]
    public void Resolve_TakesTheTierThenTheTenantsOwn(string? tenant, double rate, int burst, int concurrency)
    {
        Assert.Equal(new TenantLimits(rate, burst, concurrency), TenantLimits.Resolve(Options, tenant));
    }

    [Fact]
    public void TryEnter_AtTheCap_RefusesUntilOneLeaves()
    {
        var state = new TenantState(TimeProvider.System);

        Assert.True(state.TryEnter(2));
        Assert.True(state.TryEnter(2));
        Assert.False(state.TryEnter(2));
        state.Exit();

        Assert.True(state.TryEnter(2));
        Assert.Equal(2, state.InFlight);
    }
}
