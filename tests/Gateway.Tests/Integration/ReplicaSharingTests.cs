using System.Globalization;
using System.Text.Json;
using Gateway.LoadBalancing;
using Gateway.LoadGen;
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
    private const int Requests = 1500;

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
            // Two independent set-ups run side by side on the same arrivals: report-aware replicas and
            // report-blind ones, each pair in front of its own two upstreams.
            var upstreams = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => ServerProcess.StartDemoUpstreamAsync(
                $"--DemoUpstream:Slots={Slots}", $"--DemoUpstream:ServiceTime=exp:mean={MeanServiceMs}ms", $"--DemoUpstream:Seed={(i % 2) + 1}",
                "--Logging:LogLevel:Microsoft.AspNetCore=Warning")));
            processes.AddRange(upstreams);
            using var awareConfig = new GatewayConfigFile()
                .AddCluster("test", GatewayPolicies.ConcurrencyAware, upstreams.Take(2).Select(u => u.BaseAddress));
            using var blindConfig = new GatewayConfigFile()
                .AddCluster("test", GatewayPolicies.ConcurrencyAware, upstreams.Skip(2).Select(u => u.BaseAddress));
            var gateways = await Task.WhenAll(
                ServerProcess.StartGatewayAsync("--config", awareConfig.Write()),
                ServerProcess.StartGatewayAsync("--config", awareConfig.Path),
                ServerProcess.StartGatewayAsync("--config", blindConfig.Write(), "--Gateway:LoadBalancing:UseReportedInFlight=false"),
                ServerProcess.StartGatewayAsync("--config", blindConfig.Path, "--Gateway:LoadBalancing:UseReportedInFlight=false"));
            processes.AddRange(gateways);

            using var client = new HttpClient(LoadGenerator.CreateDefaultHandler());
            using var generator = new LoadGenerator(client);
            var rate = Utilization * 2 * Slots / (MeanServiceMs / 1000);

            // Every arrival goes to both set-ups; within each, arrivals alternate between its two replicas.
            LoadTarget[] targets =
            [
                new("report-aware", [gateways[0].BaseAddress, gateways[1].BaseAddress]),
                new("report-blind", [gateways[2].BaseAddress, gateways[3].BaseAddress]),
            ];
            LoadPlan Plan(int count, int seed, TimeSpan duration) => new()
            {
                Phases = [LoadPhase.Steady(rate, duration)],
                MaxRequests = count,
                MaxDuration = duration + TimeSpan.FromSeconds(60),
                Seed = seed,
                PathAndQuery = i => $"api/orders/{i}",
                CaptureHeaders = ["X-Demo-Queue-Ms"],
            };
            await generator.RunAsync(Plan(200, 5, TimeSpan.FromSeconds(10)), targets);
            foreach (var upstream in upstreams)
            {
                (await client.PostAsync(new Uri(upstream.BaseAddress, "/demo/stats/reset"), null)).EnsureSuccessStatusCode();
            }

            var samples = (await generator.RunAsync(Plan(Requests, 13, TimeSpan.FromSeconds(60)), targets)).Targets.Select(t => t.Requests).ToArray();
            var maxInFlight = new int[upstreams.Length];
            var p99InFlight = new int[upstreams.Length];
            for (var u = 0; u < upstreams.Length; u++)
            {
                using var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri(upstreams[u].BaseAddress, "/demo/stats")));
                maxInFlight[u] = stats.RootElement.GetProperty("max_in_flight").GetInt32();
                var arrivals = stats.RootElement.GetProperty("arrivals_by_in_flight").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                p99InFlight[u] = InFlightPercentile(arrivals, 99);
            }

            output.WriteLine($"2 replicas -> 2 upstreams x {Slots} slots, exp:mean={MeanServiceMs}ms, Poisson {rate:0} rps (~{Utilization:P0}), {Requests} requests; both set-ups at once");
            output.WriteLine("replicas | in flight at arrival p99 / max, per upstream | local queue (truth) mean / p90 / p99 ms | share waiting > 1 ms | end-to-end mean / p99 ms");
            foreach (var (name, column) in new[] { ("report-aware", 0), ("report-blind", 1) })
            {
                var truth = samples[column].Select(s => s.CapturedNumber(0) ?? double.NaN).ToArray();
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name} | {string.Join(", ", Enumerable.Range(2 * column, 2).Select(u => $"{p99InFlight[u]} / {maxInFlight[u]}"))} | "
                    + $"{truth.Average():0.0} / {LatencySummary.Percentile(truth, 90):0.0} / {LatencySummary.Percentile(truth, 99):0.0} | {truth.Count(t => t > 1) / (double)truth.Length:P1} | "
                    + $"{samples[column].Average(s => s.LatencyMs):0.0} / {LatencySummary.Percentile(samples[column].Select(s => s.LatencyMs), 99):0.0}"));
            }

            var aware = samples[0];
            Assert.Equal(Requests, aware.Count);
            Assert.All(aware, s => Assert.Equal(200, s.Status));
            Assert.All(p99InFlight.Take(2), p => Assert.InRange(p, 1, Slots + AllowedOverLimitP99));

            var awareTruth = aware.Select(s => s.CapturedNumber(0)!.Value).ToArray();
            var blindTruth = samples[1].Select(s => s.CapturedNumber(0)!.Value).ToArray();
            Assert.True(awareTruth.Count(t => t > 1) <= 0.2 * awareTruth.Length, "at least 80% of requests should find a free slot at the upstream");
            Assert.True(awareTruth.Average() < blindTruth.Average() / 3, "load reports should cut upstream-local queueing well below report-blind replicas'");
        }
        finally
        {
            await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
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
