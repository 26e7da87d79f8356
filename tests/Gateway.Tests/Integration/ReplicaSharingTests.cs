using System.Globalization;
using System.Text.Json;
using Gateway.LoadBalancing;
using Xunit.Abstractions;

namespace Gateway.Tests.Integration;

/// <summary>
/// Two gateway replicas in front of the same two DemoUpstreams × 4 slots. Each replica sees only its own
/// requests; the upstreams' load reports tell it about the other's. Compared in the same run against two
/// replicas that ignore those reports (UseReportedInFlight=false), which each fill every upstream to its limit.
/// </summary>
public sealed class ReplicaSharingTests(ITestOutputHelper output)
{
    private const int Slots = 4;
    private const double MeanServiceMs = 100;
    private const double Utilization = 0.85;
    private const int Requests = 1200;

    /// <summary>
    /// How far above its slot count an upstream may go at the 99th percentile of arrivals. Replicas act on
    /// reports up to a round trip old, so two can claim the same free slot before either hears of the other.
    /// </summary>
    internal const int AllowedOverLimitP99 = 2;

    [Fact]
    public async Task TwoReplicas_ShareUpstreamsThroughLoadReports_KeepUpstreamQueuesNearEmpty()
    {
        var processes = new List<ServerProcess>();
        try
        {
            var upstreams = new List<ServerProcess>();
            for (var i = 0; i < 2; i++)
            {
                upstreams.Add(await ServerProcess.StartDemoUpstreamAsync(
                    $"--DemoUpstream:Slots={Slots}", $"--DemoUpstream:ServiceTime=exp:mean={MeanServiceMs}ms", $"--DemoUpstream:Seed={i + 1}",
                    "--Logging:LogLevel:Microsoft.AspNetCore=Warning"));
                processes.Add(upstreams[^1]);
            }

            using var config = new GatewayConfigFile()
                .AddCluster("test", GatewayPolicies.ConcurrencyAware, upstreams.Select(u => u.BaseAddress));
            var file = config.Write();
            var aware = new List<ServerProcess>();
            var blind = new List<ServerProcess>();
            for (var i = 0; i < 2; i++)
            {
                aware.Add(await ServerProcess.StartGatewayAsync("--config", file));
                blind.Add(await ServerProcess.StartGatewayAsync("--config", file, "--Gateway:LoadBalancing:UseReportedInFlight=false"));
                processes.Add(aware[^1]);
                processes.Add(blind[^1]);
            }

            using var client = OpenLoopLoad.CreateClient();
            var rate = Utilization * 2 * Slots / (MeanServiceMs / 1000);
            var runs = new Dictionary<string, (IReadOnlyList<LoadSample> Samples, int[] MaxInFlight, int[] P99InFlight)>();
            foreach (var (name, replicas) in new[] { ("report-aware", aware), ("report-blind", blind) })
            {
                Uri Target(int i) => new(replicas[i % 2].BaseAddress, $"/api/orders/{i}");
                await OpenLoopLoad.RunAsync(client, Target, rate, 200, 5, TimeSpan.FromSeconds(10));
                foreach (var upstream in upstreams)
                {
                    (await client.PostAsync(new Uri(upstream.BaseAddress, "/demo/stats/reset"), null)).EnsureSuccessStatusCode();
                }

                var samples = await OpenLoopLoad.RunAsync(client, Target, rate, Requests, 13, TimeSpan.FromSeconds(40));
                var maxInFlight = new int[upstreams.Count];
                var p99InFlight = new int[upstreams.Count];
                for (var u = 0; u < upstreams.Count; u++)
                {
                    using var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri(upstreams[u].BaseAddress, "/demo/stats")));
                    maxInFlight[u] = stats.RootElement.GetProperty("max_in_flight").GetInt32();
                    var arrivals = stats.RootElement.GetProperty("arrivals_by_in_flight").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                    p99InFlight[u] = InFlightPercentile(arrivals, 99);
                }

                runs[name] = (samples, maxInFlight, p99InFlight);
            }

            output.WriteLine($"2 replicas -> 2 upstreams x {Slots} slots, exp:mean={MeanServiceMs}ms, Poisson {rate:0} rps (~{Utilization:P0}), {Requests} requests");
            output.WriteLine("replicas | in flight at arrival p99 / max, per upstream | truth mean | truth p90 | truth p99 | share waiting > 1 ms | e2e mean | e2e p99");
            foreach (var (name, (samples, maxInFlight, p99InFlight)) in runs)
            {
                var truth = samples.Select(s => s.DemoQueueMs!.Value).ToArray();
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name} | {string.Join(", ", p99InFlight.Zip(maxInFlight, (p, m) => $"{p} / {m}"))} | {truth.Average():0.00} | {Stats.Percentile(truth, 90):0.00} | {Stats.Percentile(truth, 99):0.00} | "
                    + $"{truth.Count(t => t > 1) / (double)truth.Length:P1} | {samples.Average(s => s.LatencyMs):0.0} | {Stats.Percentile(samples.Select(s => s.LatencyMs), 99):0.0}"));
            }

            var (awareSamples, _, awareP99) = runs["report-aware"];
            Assert.All(awareSamples, s => Assert.Equal(200, s.Status));
            Assert.Equal(Requests, awareSamples.Count);
            Assert.All(awareP99, p => Assert.InRange(p, 1, Slots + AllowedOverLimitP99));

            var awareTruth = awareSamples.Select(s => s.DemoQueueMs!.Value).ToArray();
            var blindTruth = runs["report-blind"].Samples.Select(s => s.DemoQueueMs!.Value).ToArray();
            Assert.True(Stats.Percentile(awareTruth, 90) <= 1, "most requests should find a free slot at the upstream");
            Assert.True(awareTruth.Average() < blindTruth.Average() / 3, "load reports should cut upstream-local queueing well below report-blind replicas'");
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    private static int InFlightPercentile(long[] arrivalsByInFlight, double p)
    {
        var total = arrivalsByInFlight.Sum();
        var rank = (long)Math.Ceiling(p / 100 * total);
        long seen = 0;
        for (var n = 0; n < arrivalsByInFlight.Length; n++)
        {
            seen += arrivalsByInFlight[n];
            if (seen >= rank && seen > 0)
            {
                return n;
            }
        }

        return 0;
    }
}
