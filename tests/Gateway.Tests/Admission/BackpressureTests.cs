using Gateway.Admission;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Admission;

public sealed class BackpressureTests
{
    private static readonly TimeSpan Slo = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(null, 1.0)]
    [InlineData(0.0, 1.0)]
    [InlineData(10_000.0, 1.0)]
    [InlineData(20_000.0, 0.5)]
    [InlineData(40_000.0, 0.25)]
    [InlineData(1_000_000.0, 0.1)]
    public void RateFactor_IsSloOverAgeAboveTheSlo_DownToTheFloor(double? ageMs, double expected)
    {
        Assert.Equal(expected, AdmissionMiddleware.RateFactor(ageMs, Slo, floor: 0.1), precision: 9);
    }

    [Fact]
    public void TenantBacklog_IsForgottenAfterTheTtl_AndKeptPerClass()
    {
        var time = new FakeTimeProvider();
        var state = new TenantState(time);
        state.RecordBacklog("low", 50_000);
        state.RecordBacklog("high", 2_000);

        Assert.Equal(50_000, state.BacklogAgeMs("low", TimeSpan.FromSeconds(30)));
        Assert.Equal(2_000, state.BacklogAgeMs("high", TimeSpan.FromSeconds(30)));
        Assert.Null(state.BacklogAgeMs("default", TimeSpan.FromSeconds(30)));
        Assert.Equal(50_000, state.OldestBacklogAgeMs(TimeSpan.FromSeconds(30)));

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(state.BacklogAgeMs("low", TimeSpan.FromSeconds(30)));
        Assert.Null(state.OldestBacklogAgeMs(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Sweep_DropsOnlyIdleTenantsWithNothingInFlightAndAFullBucket()
    {
        var time = new FakeTimeProvider();
        var options = new AdmissionOptions { IdleTenantExpiry = TimeSpan.FromMinutes(10) };
        var registry = new TenantStateRegistry(time);
        var idle = Use(registry, "idle", options);
        var busy = registry.For("busy");
        Assert.True(busy.TryEnter(5));
        var draining = Use(registry, "draining", options);
        for (var i = 0; i < 100; i++)
        {
            draining.RecordDecision(draining.Bucket.TryTake(draining.EffectiveRate, 100).Remaining); // Empty: 100 tokens at 50/s, full again after 2 s.
        }

        time.Advance(TimeSpan.FromMinutes(9));
        var recent = Use(registry, "recent", options);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2, registry.Sweep(options)); // idle and draining (refilled long ago); not busy or recent.
        Assert.Equal(["busy", "recent"], registry.Tenants.Select(t => t.Key).Order());
        Assert.NotSame(idle, registry.For("idle"));
        Assert.Same(recent, registry.For("recent"));
    }

    [Fact]
    public void Sweep_KeepsATenantWhoseBucketIsNotYetFull()
    {
        var time = new FakeTimeProvider();
        var options = new AdmissionOptions { IdleTenantExpiry = TimeSpan.FromSeconds(1) };
        var registry = new TenantStateRegistry(time);
        var slow = registry.For("slow");
        slow.TryEnter(1);
        slow.Exit();
        slow.EffectiveRate = 0.01; // A token every 100 s.
        slow.RecordDecision(slow.Bucket.TryTake(0.01, 100).Remaining);

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, registry.Sweep(options));
        Assert.Same(slow, registry.For("slow"));
    }

    private static TenantState Use(TenantStateRegistry registry, string tenant, AdmissionOptions options)
    {
        var state = registry.For(tenant);
        var limits = TenantLimits.Resolve(options, tenant);
        Assert.True(state.TryEnter(limits.MaxConcurrency));
        state.EffectiveRate = limits.RatePerSecond;
        state.RecordDecision(state.Bucket.TryTake(limits.RatePerSecond, limits.Burst).Remaining);
        state.Exit();
        return state;
    }
}
