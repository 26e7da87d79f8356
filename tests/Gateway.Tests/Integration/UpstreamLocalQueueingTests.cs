using System.Globalization;
using Gateway.LoadBalancing;
using Xunit.Abstractions;

namespace Gateway.Tests.Integration;

/// <summary>
/// Issue 2's headline acceptance: three DemoUpstreams × 4 slots under Poisson load at ~85% of capacity,
/// through one gateway process, once per policy. Ground truth is each response's X-Demo-Queue-Ms.
/// </summary>
public sealed class UpstreamLocalQueueingTests(ITestOutputHelper output)
{
    private const int Upstreams = 3;
    private const int Slots = 4;
    // Long enough that Task.Delay's ~1 ms overshoot and this 2-core machine's scheduling noise stay small
    // next to the service time, short enough to keep the run near a minute.
    private const double MeanServiceMs = 100;
    private const double Utilization = 0.85;
    private const int RequestsPerPolicy = 1500;

    [Fact]
    public async Task Policies_At85PercentLoad_ConcurrencyAwareRemovesUpstreamQueueingAndEstimateMatchesTruth()
    {
        var upstreams = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < Upstreams; i++)
            {
                upstreams.Add(await ServerProcess.StartDemoUpstreamAsync(
                    $"--DemoUpstream:Slots={Slots}", $"--DemoUpstream:ServiceTime=exp:mean={MeanServiceMs}ms", $"--DemoUpstream:Seed={i + 1}", $"--DemoUpstream:ServiceName=u{i + 1}",
                    "--Logging:LogLevel:Microsoft.AspNetCore=Warning"));
            }

            using var config = new GatewayConfigFile();
            var addresses = upstreams.Select(u => u.BaseAddress).ToArray();
            config.AddCluster("rr", "RoundRobin", addresses, pathPrefix: "rr")
                .AddCluster("lo", GatewayPolicies.LeastOutstanding, addresses, pathPrefix: "lo")
                .AddCluster("ca", GatewayPolicies.ConcurrencyAware, addresses, pathPrefix: "ca");
            await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
            using var client = OpenLoopLoad.CreateClient();

            var rate = Utilization * Upstreams * Slots / (MeanServiceMs / 1000);
            var results = new Dictionary<string, IReadOnlyList<LoadSample>>();
            foreach (var policy in new[] { "rr", "lo", "ca" })
            {
                // Warm JIT, connection pools and the learned limits before measuring.
                await OpenLoopLoad.RunAsync(client, _ => new Uri(gateway.BaseAddress, $"/{policy}/warm"), rate, 300, 7, TimeSpan.FromSeconds(10));
                results[policy] = await OpenLoopLoad.RunAsync(
                    client, i => new Uri(gateway.BaseAddress, $"/{policy}/api/orders/{i}"), rate, RequestsPerPolicy, 11, TimeSpan.FromSeconds(40));
            }

            output.WriteLine($"3 upstreams x {Slots} slots, exp:mean={MeanServiceMs}ms, Poisson {rate:0} rps (~{Utilization:P0}), {RequestsPerPolicy} requests per policy");
            foreach (var (policy, samples) in results)
            {
                output.WriteLine($"{policy}: app mean {samples.Average(s => s.AppMs ?? 0):0.00} ms; by upstream: "
                    + string.Join(", ", samples.GroupBy(s => s.Body?[..20]).Select(g => $"{g.Key?[12..14]}={g.Count()}/{g.Average(s => s.DemoQueueMs!.Value):0}ms")));
            }

            foreach (var (policy, samples) in results)
            {
                var errors = samples.Select(s => (s.UlqEstimateMs ?? double.NaN) - s.DemoQueueMs!.Value).ToArray();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{policy}: gateway queue p99 {Stats.Percentile(samples.Select(s => s.GatewayQueueMs ?? 0), 99):0.0}; estimate-truth p1 {Stats.Percentile(errors, 1):0.00} p5 {Stats.Percentile(errors, 5):0.00} p50 {Stats.Percentile(errors, 50):0.00} p95 {Stats.Percentile(errors, 95):0.00} p99 {Stats.Percentile(errors, 99):0.00}"));
            }

            output.WriteLine("policy | ok | truth mean | truth p90 | truth p99 | e2e p50 | e2e p99 | |est-truth|<=3ms");
            foreach (var (policy, samples) in results)
            {
                Assert.All(samples, s => Assert.Equal(200, s.Status));
                var truth = samples.Select(s => s.DemoQueueMs!.Value).ToArray();
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{policy} | {samples.Count} | {truth.Average():0.00} | {Stats.Percentile(truth, 90):0.00} | {Stats.Percentile(truth, 99):0.00} | "
                    + $"{Stats.Percentile(samples.Select(s => s.LatencyMs), 50):0.0} | {Stats.Percentile(samples.Select(s => s.LatencyMs), 99):0.0} | "
                    + $"{EstimateWithin(samples, 3):P1}"));
            }

            var rr = results["rr"];
            var lo = results["lo"];
            var ca = results["ca"];
            Assert.Equal(RequestsPerPolicy, rr.Count);
            Assert.Equal(RequestsPerPolicy, ca.Count);

            // RoundRobin leaves requests waiting in upstream-local queues.
            Assert.True(Stats.Percentile(rr.Select(s => s.DemoQueueMs!.Value), 90) >= 5, "RoundRobin p90 local queueing should be clearly above 0");

            // ConcurrencyAware keeps the upstreams' queues empty and moves the wait to the gateway, where it is shorter.
            Assert.True(Stats.Percentile(ca.Select(s => s.DemoQueueMs!.Value), 99) <= 2, "ConcurrencyAware p99 local queueing should be <= 2 ms");
            Assert.True(
                Stats.Percentile(ca.Select(s => s.LatencyMs), 99) < Stats.Percentile(rr.Select(s => s.LatencyMs), 99),
                "ConcurrencyAware end-to-end p99 should beat RoundRobin's");

            // LeastOutstanding lands close to ConcurrencyAware: far below RoundRobin's local queueing.
            Assert.True(lo.Select(s => s.DemoQueueMs!.Value).Average() <= 0.5 * rr.Select(s => s.DemoQueueMs!.Value).Average());
            Assert.True(
                Stats.Percentile(lo.Select(s => s.LatencyMs), 99) < Stats.Percentile(rr.Select(s => s.LatencyMs), 99),
                "LeastOutstanding end-to-end p99 should beat RoundRobin's");

            // The gateway's estimate (round trip minus Server-Timing app) matches the upstream's ground truth.
            Assert.True(EstimateWithin(rr, 3) >= 0.95, $"ULQ estimate within 3 ms for {EstimateWithin(rr, 3):P1} of RoundRobin requests");
        }
        finally
        {
            foreach (var upstream in upstreams)
            {
                await upstream.DisposeAsync();
            }
        }
    }

    private static double EstimateWithin(IReadOnlyList<LoadSample> samples, double ms) =>
        samples.Count(s => s.UlqEstimateMs is { } est && Math.Abs(est - s.DemoQueueMs!.Value) <= ms) / (double)samples.Count;
}
