using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Authentication;
using Xunit.Abstractions;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests.Integration;

/// <summary>
/// Issue 6's acceptance for <c>ShuffleShard</c>: with 8 destinations and k = 2, one tenant saturating its shard
/// leaves at least 90% of other tenants' requests on unaffected destinations. Eight real Kestrel upstreams with a
/// one-worker job queue each; the noisy tenant enqueues minute-long jobs, so its two destinations' backlogs grow
/// with every request it sends, while 100 other tenants (JWTs) enqueue instant jobs at the same time.
/// </summary>
public sealed class ShuffleShardIsolationTests(ITestOutputHelper output)
{
    private const int Destinations = 8;
    private const int ShardSize = 2;
    private const int OtherTenants = 100;
    private const int RequestsPerOtherTenant = 5;
    private const int NoisyWarmUp = 60;
    private const int NoisyDuringRun = 100;
    private const string Noisy = "noisy";

    [Fact]
    public async Task NoisyTenantSaturatingItsShard_LeavesAtLeast90PercentOfOtherTenantsRequestsOnUnaffectedDestinations()
    {
        var upstreams = await Task.WhenAll(Enumerable.Range(1, Destinations).Select(i => BacklogUpstream.StartAsync($"u{i}")));
        using var config = new GatewayConfigFile()
            .AddCluster("jobs", GatewayPolicies.ShuffleShard, upstreams.Select(u => u.Address),
                metadata: new Dictionary<string, string> { [GatewayMetadata.ShardSize] = ShardSize.ToString() })
            .Set("Gateway:Authentication:HmacKey", JsonValue.Create(TestTokens.HmacKey))
            // Reports stay fresh for the whole run, so a stall on a busy machine cannot make the noisy backlog vanish.
            .Set("Gateway:LoadBalancing:BacklogReportTtl", JsonValue.Create("00:05:00"));
        try
        {
            await using var gateway = await InProcessGateway.StartAsync(config.Write());
            using var client = new HttpClient();
            var tokens = Enumerable.Range(0, OtherTenants).Select(i => $"tenant-{i:000}").Append(Noisy)
                .ToDictionary(t => t, t => TestTokens.Hs256(new Dictionary<string, object> { ["sub"] = t, ["tenant"] = t }));
            var landed = new ConcurrentBag<(string Tenant, string Upstream)>();

            async Task SendAsync(string tenant, int workMs)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.BaseAddress, $"/jobs?work_ms={workMs}"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[tenant]);
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.Equal(tenant, response.Headers.GetValues("X-Tenant-Echo").Single());
                landed.Add((tenant, response.Headers.GetValues("X-Upstream").Single()));
            }

            // The noisy tenant fills its shard first, then keeps enqueueing while everyone else does.
            await Parallel.ForEachAsync(Enumerable.Range(0, NoisyWarmUp), new ParallelOptions { MaxDegreeOfParallelism = 4 },
                async (_, _) => await SendAsync(Noisy, 60_000));
            var noisyShard = landed.Where(l => l.Tenant == Noisy).Select(l => l.Upstream).Distinct().Order(StringComparer.Ordinal).ToArray();
            var backlogAfterWarmUp = upstreams.Where(u => noisyShard.Contains(u.Name)).Sum(u => u.Backlog);

            var others = Enumerable.Range(0, OtherTenants * RequestsPerOtherTenant).Select(i => $"tenant-{i % OtherTenants:000}");
            await Task.WhenAll(
                Parallel.ForEachAsync(Enumerable.Range(0, NoisyDuringRun), new ParallelOptions { MaxDegreeOfParallelism = 2 },
                    async (_, _) => await SendAsync(Noisy, 60_000)),
                Parallel.ForEachAsync(others, new ParallelOptions { MaxDegreeOfParallelism = 16 },
                    async (tenant, _) => await SendAsync(tenant, 0)));

            // The noisy tenant stayed in the shard every replica computes for it, and saturated it.
            var expectedShard = ShuffleShardPolicy.Shard(Noisy, ShardSize, upstreams.Select(u => new DestinationState(u.Name)).ToArray())
                .Select(d => d.DestinationId).Order(StringComparer.Ordinal);
            Assert.Equal(expectedShard, noisyShard);
            Assert.Equal(noisyShard, landed.Where(l => l.Tenant == Noisy).Select(l => l.Upstream).Distinct().Order(StringComparer.Ordinal));
            var backlogAtEnd = upstreams.Where(u => noisyShard.Contains(u.Name)).Sum(u => u.Backlog);
            Assert.True(backlogAtEnd > backlogAfterWarmUp, $"noisy backlog {backlogAfterWarmUp} after warm-up, {backlogAtEnd} at the end");
            Assert.All(upstreams.Where(u => noisyShard.Contains(u.Name)), u => Assert.True(u.Backlog >= 20, $"{u.Name} backlog {u.Backlog}"));

            var otherRequests = landed.Where(l => l.Tenant != Noisy).ToList();
            Assert.Equal(OtherTenants * RequestsPerOtherTenant, otherRequests.Count);
            var unaffected = otherRequests.Count(l => !noisyShard.Contains(l.Upstream));
            var fraction = (double)unaffected / otherRequests.Count;

            // Only tenants whose shard is exactly the noisy one (1 in 28 pairs on average) have nowhere else to go;
            // those sharing one destination with it are steered to their other one by its backlog.
            var shards = otherRequests.Select(l => l.Tenant).Distinct().ToDictionary(
                t => t, t => ShuffleShardPolicy.Shard(t, ShardSize, upstreams.Select(u => new DestinationState(u.Name)).ToArray()).Select(d => d.DestinationId).ToArray());
            var sameShard = shards.Count(s => s.Value.All(noisyShard.Contains));
            var overlapping = shards.Where(s => s.Value.Count(noisyShard.Contains) == 1).Select(s => s.Key).ToHashSet();
            var overlappingOnNoisy = otherRequests.Count(l => overlapping.Contains(l.Tenant) && noisyShard.Contains(l.Upstream));
            output.WriteLine(
                $"noisy shard {string.Join('+', noisyShard)}, backlog {backlogAfterWarmUp} after warm-up, {backlogAtEnd} at the end; " +
                $"other tenants: {unaffected}/{otherRequests.Count} requests ({fraction:P1}) on unaffected destinations; " +
                $"{sameShard} tenants share the noisy shard exactly, {overlapping.Count} share one destination " +
                $"({overlappingOnNoisy} of their requests landed on it)");

            Assert.True(fraction >= 0.90, $"only {fraction:P1} of other tenants' requests avoided the noisy tenant's destinations");
            Assert.Equal(0, overlappingOnNoisy);
        }
        finally
        {
            foreach (var upstream in upstreams)
            {
                await upstream.DisposeAsync();
            }
        }
    }
}
