using Gateway.Authentication;
using Gateway.LoadBalancing;
using Gateway.UpstreamFeedback;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests.LoadBalancing;

public sealed class ShuffleShardPolicyTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    private static readonly string[] Tenants = Enumerable.Range(0, 10_000).Select(i => $"tenant-{i}").ToArray();

    private static string[] Ids(IEnumerable<DestinationState> destinations) => destinations.Select(d => d.DestinationId).ToArray();

    private static string[] ShardIds(string? tenant, int k, IReadOnlyList<DestinationState> destinations) =>
        Ids(ShuffleShardPolicy.Shard(tenant, k, destinations));

    private static HttpContext Request(string? tenant)
    {
        var context = new DefaultHttpContext();
        if (tenant is not null)
        {
            context.Features.Set(new TenantFeature(tenant));
        }

        return context;
    }

    private static void ReportBacklog(DestinationBacklogs backlogs, DestinationState destination, long jobs) =>
        backlogs.Record("c", destination.DestinationId, new LoadReport(null, null, Backlog: jobs, BacklogAgeMs: jobs * 10));

    [Fact]
    public void Shard_SameTenant_IsTheSameWhateverTheDestinationOrder()
    {
        var cluster = new TestCluster(8);
        var shuffled = cluster.Destinations.Reverse().ToArray();
        var interleaved = cluster.Destinations.Where((_, i) => i % 2 == 1).Concat(cluster.Destinations.Where((_, i) => i % 2 == 0)).ToArray();

        foreach (var tenant in Tenants.Take(500))
        {
            var shard = ShardIds(tenant, 2, cluster.Destinations);
            Assert.Equal(shard, ShardIds(tenant, 2, shuffled));
            Assert.Equal(shard, ShardIds(tenant, 2, interleaved));
        }
    }

    [Fact]
    public void Shard_KnownTenants_MatchPinnedValues_SoEveryProcessAndReplicaAgrees()
    {
        // A hash seeded per process (string.GetHashCode) would change these on every run.
        var cluster = new TestCluster(8);

        Assert.Equal(PinnedAcme, ShardIds("acme", 2, cluster.Destinations));
        Assert.Equal(PinnedGlobex, ShardIds("globex", 2, cluster.Destinations));
        Assert.Equal(PinnedAnonymous, ShardIds(null, 2, cluster.Destinations));
    }

    [Fact]
    public void Pick_SameTenantOnSeparatePolicyInstances_PicksTheSameDestinationInItsShard()
    {
        var cluster = new TestCluster(8);
        var first = new ShuffleShardPolicy(new DestinationBacklogs(cluster.Time), cluster.Time, Ttl);
        var second = new ShuffleShardPolicy(new DestinationBacklogs(cluster.Time), cluster.Time, Ttl);
        var reversed = cluster.Destinations.Reverse().ToArray();

        foreach (var tenant in Tenants.Take(200))
        {
            var pick = first.Pick("c", tenant, 2, cluster.Destinations);
            Assert.Same(pick, second.Pick("c", tenant, 2, reversed));
            Assert.Contains(pick.DestinationId, ShardIds(tenant, 2, cluster.Destinations));
        }
    }

    [Fact]
    public void Shard_ManyTenants_SpreadEvenlyOverDestinationsAndPairs()
    {
        var cluster = new TestCluster(8);
        var perDestination = new Dictionary<string, int>();
        var perPair = new Dictionary<string, int>();

        foreach (var tenant in Tenants)
        {
            var shard = ShardIds(tenant, 2, cluster.Destinations);
            Assert.Equal(2, shard.Distinct().Count());
            foreach (var id in shard)
            {
                perDestination[id] = perDestination.GetValueOrDefault(id) + 1;
            }

            var pair = string.Join('+', shard.Order(StringComparer.Ordinal));
            perPair[pair] = perPair.GetValueOrDefault(pair) + 1;
        }

        // 20,000 memberships over 8 destinations: 2,500 each; 10,000 tenants over 28 pairs: about 357 each.
        Assert.Equal(8, perDestination.Count);
        Assert.All(perDestination.Values, count => Assert.InRange(count, 2_300, 2_700));
        Assert.Equal(28, perPair.Count);
        Assert.All(perPair.Values, count => Assert.InRange(count, 270, 450));
    }

    [Fact]
    public void Shard_DestinationRemoved_MovesOnlyTenantsWhoseShardHeldIt()
    {
        var cluster = new TestCluster(8);
        var removed = cluster.Destinations[3];
        var remaining = cluster.Destinations.Where(d => d != removed).ToArray();
        var moved = 0;

        foreach (var tenant in Tenants)
        {
            var before = ShardIds(tenant, 2, cluster.Destinations);
            var after = ShardIds(tenant, 2, remaining);
            if (before.Contains(removed.DestinationId))
            {
                moved++;

                // The survivor stays and the tenant's next-ranked destination takes the removed one's place.
                Assert.Single(after.Intersect(before));
                Assert.Equal(ShardIds(tenant, 3, cluster.Destinations).Except([removed.DestinationId]), after);
            }
            else
            {
                Assert.Equal(before, after);
            }
        }

        // About k/n = 1/4 of the tenants held the removed destination.
        Assert.InRange(moved, 2_300, 2_700);
    }

    [Fact]
    public void Shard_DestinationAdded_ChangesOneMemberOfTheShardsThatTakeIt_AndNothingElse()
    {
        var cluster = new TestCluster(9);
        var before = cluster.Destinations[..8];
        var added = cluster.Destinations[8].DestinationId;

        foreach (var tenant in Tenants.Take(2_000))
        {
            var old = ShardIds(tenant, 2, before);
            var now = ShardIds(tenant, 2, cluster.Destinations);
            if (now.Contains(added))
            {
                Assert.Single(now.Intersect(old));
            }
            else
            {
                Assert.Equal(old, now);
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(8, 8)]
    [InlineData(50, 8)]
    public void Shard_SizeK_HoldsMinOfKAndN(int k, int expected)
    {
        var cluster = new TestCluster(8);

        var shard = ShardIds("acme", k, cluster.Destinations);

        Assert.Equal(expected, shard.Distinct().Count());
        Assert.Equal(ShardIds("acme", 1, cluster.Destinations)[0], shard[0]);
    }

    [Fact]
    public void Pick_ShardOfOne_KeepsTheTenantOnItsDestinationWhateverItsBacklog()
    {
        var cluster = new TestCluster(8);
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var only = ShuffleShard(cluster, "acme", 1)[0];
        ReportBacklog(backlogs, only, 1_000_000);

        Assert.Same(only, policy.Pick("c", "acme", 1, cluster.Destinations));
    }

    [Fact]
    public void Pick_ShardAtLeastAsLargeAsCluster_TakesTheLeastBacklogOfAll()
    {
        var cluster = new TestCluster(8);
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        for (var i = 0; i < 8; i++)
        {
            ReportBacklog(backlogs, cluster.Destinations[i], 100 + ((i * 5) % 8));
        }

        // Backlogs 100, 105, 102, 107, 104, 101, 106, 103: d1 has the least.
        Assert.Same(cluster.Destinations[0], policy.Pick("c", "acme", 8, cluster.Destinations));
        Assert.Same(cluster.Destinations[0], policy.Pick("c", "acme", 20, cluster.Destinations));
        Assert.Same(cluster.Destinations[0], policy.Pick("c", "globex", 20, cluster.Destinations));
    }

    [Fact]
    public void Pick_NoReportsAndNothingInFlight_TakesTheTenantsFirstRanked()
    {
        var cluster = new TestCluster(8);
        var policy = new ShuffleShardPolicy(new DestinationBacklogs(cluster.Time), cluster.Time, Ttl);

        foreach (var tenant in Tenants.Take(200))
        {
            Assert.Same(ShuffleShard(cluster, tenant, 2)[0], policy.Pick("c", tenant, 2, cluster.Destinations));
        }
    }

    [Fact]
    public void Pick_FirstRankedHasTheLargerBacklog_TakesTheOtherShardMember()
    {
        var cluster = new TestCluster(8);
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var shard = ShuffleShard(cluster, "acme", 2);
        ReportBacklog(backlogs, shard[0], 500);
        ReportBacklog(backlogs, shard[1], 20);

        Assert.Same(shard[1], policy.Pick("c", "acme", 2, cluster.Destinations));

        ReportBacklog(backlogs, shard[1], 900);
        Assert.Same(shard[0], policy.Pick("c", "acme", 2, cluster.Destinations));
    }

    [Fact]
    public void Pick_OutsideTheShard_IsNeverTakenEvenWithNoBacklog()
    {
        var cluster = new TestCluster(8);
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var shard = ShuffleShard(cluster, "acme", 2);
        foreach (var destination in cluster.Destinations)
        {
            ReportBacklog(backlogs, destination, shard.Contains(destination) ? 1_000 : 0);
        }

        Assert.Contains(policy.Pick("c", "acme", 2, cluster.Destinations), shard);
    }

    [Fact]
    public void Pick_BacklogReportOlderThanTtl_IsIgnored()
    {
        var cluster = new TestCluster(8);
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var shard = ShuffleShard(cluster, "acme", 2);
        ReportBacklog(backlogs, shard[0], 500);

        cluster.Time.Advance(Ttl);
        Assert.Same(shard[1], policy.Pick("c", "acme", 2, cluster.Destinations));

        cluster.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Same(shard[0], policy.Pick("c", "acme", 2, cluster.Destinations));
    }

    [Fact]
    public void Pick_EqualBacklogs_TakesFewerOwnRequestsInFlight()
    {
        var cluster = new TestCluster(8);
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var shard = ShuffleShard(cluster, "acme", 2);
        ReportBacklog(backlogs, shard[0], 7);
        ReportBacklog(backlogs, shard[1], 7);
        shard[0].ConcurrentRequestCount = 3;
        shard[1].ConcurrentRequestCount = 1;

        Assert.Same(shard[1], policy.Pick("c", "acme", 2, cluster.Destinations));

        shard[1].ConcurrentRequestCount = 4;
        Assert.Same(shard[0], policy.Pick("c", "acme", 2, cluster.Destinations));
    }

    [Fact]
    public void Pick_BacklogsOfAnotherCluster_DoNotCount()
    {
        var cluster = new TestCluster(8);
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var shard = ShuffleShard(cluster, "acme", 2);
        backlogs.Record("other", shard[0].DestinationId, new LoadReport(null, null, Backlog: 500));

        Assert.Same(shard[0], policy.Pick("c", "acme", 2, cluster.Destinations));
    }

    [Fact]
    public void PickDestination_FirstRankedUnavailable_TakesTheTenantsNextRanked()
    {
        var cluster = new TestCluster(8);
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var ranked = ShuffleShard(cluster, "acme", 3);
        var available = cluster.Destinations.Where(d => d != ranked[0]).ToArray();

        // With the first-ranked gone, the shard is ranks 2 and 3; a backlog on rank 2 sends the request to rank 3.
        ReportBacklog(backlogs, ranked[1], 50);
        var pick = policy.PickDestination(Request("acme"), new ClusterState("c", cluster.Model), available);

        Assert.Same(ranked[2], pick);
    }

    [Fact]
    public void PickDestination_ReadsShardSizeFromClusterMetadata()
    {
        var cluster = new TestCluster(8, new Dictionary<string, string> { [GatewayMetadata.ShardSize] = "3" });
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var ranked = ShuffleShard(cluster, "acme", 3);
        ReportBacklog(backlogs, ranked[0], 50);
        ReportBacklog(backlogs, ranked[1], 50);

        Assert.Same(ranked[2], policy.PickDestination(Request("acme"), new ClusterState("c", cluster.Model), cluster.Destinations));
    }

    [Fact]
    public void PickDestination_NoShardSizeInMetadata_UsesTwo()
    {
        var cluster = new TestCluster(8);
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var ranked = ShuffleShard(cluster, "acme", 3);
        ReportBacklog(backlogs, ranked[0], 50);
        ReportBacklog(backlogs, ranked[1], 50);

        // With k = 3 the idle third-ranked would win; with the default of two, equal backlogs go to the first-ranked.
        Assert.Same(ranked[0], policy.PickDestination(Request("acme"), new ClusterState("c", cluster.Model), cluster.Destinations));
    }

    [Fact]
    public void PickDestination_NoTenant_UsesTheAnonymousShard()
    {
        var cluster = new TestCluster(8);
        var policy = new ShuffleShardPolicy(new DestinationBacklogs(cluster.Time), cluster.Time, Ttl);
        var state = new ClusterState("c", cluster.Model);
        var anonymous = ShuffleShard(cluster, null, 2)[0];

        Assert.Same(anonymous, policy.PickDestination(new DefaultHttpContext(), state, cluster.Destinations));
        Assert.Same(anonymous, policy.PickDestination(Request(null), state, cluster.Destinations));
        Assert.Same(anonymous, policy.PickDestination(Request(""), state, cluster.Destinations));
    }

    [Fact]
    public void PickDestination_WithBacklogReports_DoesNotAllocate()
    {
        var cluster = new TestCluster(8, new Dictionary<string, string> { [GatewayMetadata.ShardSize] = "3" });
        var backlogs = new DestinationBacklogs(cluster.Time);
        var policy = new ShuffleShardPolicy(backlogs, cluster.Time, Ttl);
        var state = new ClusterState("c", cluster.Model);
        var request = Request("acme");
        foreach (var destination in cluster.Destinations)
        {
            ReportBacklog(backlogs, destination, 3);
        }

        policy.PickDestination(request, state, cluster.Destinations);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            policy.PickDestination(request, state, cluster.Destinations);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    public void Problems_BadShardSize_NamesTheKey(string value)
    {
        var problems = GatewayMetadata.Problems(new Dictionary<string, string> { [GatewayMetadata.ShardSize] = value }, isCluster: true).ToList();

        var (key, problem) = Assert.Single(problems);
        Assert.Equal("Gateway.ShardSize", key);
        Assert.Equal($"must be an integer of at least 1, got '{value}'", problem);
        Assert.Equal(ShuffleShardPolicy.DefaultShardSize, ShuffleShardPolicy.ShardSize(new Dictionary<string, string> { [GatewayMetadata.ShardSize] = value }));
    }

    private static IReadOnlyList<DestinationState> ShuffleShard(TestCluster cluster, string? tenant, int k) =>
        ShuffleShardPolicy.Shard(tenant, k, cluster.Destinations);

    // XXH64 over UTF-16LE bytes, cross-checked against the reference C library (libxxhash 0.8.1): any process,
    // replica or other implementation of the same scheme ranks these tenants' destinations the same way.
    private static readonly string[] PinnedAcme = ["d8", "d5"];
    private static readonly string[] PinnedGlobex = ["d1", "d7"];
    private static readonly string[] PinnedAnonymous = ["d3", "d7"];
}
