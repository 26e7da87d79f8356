using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Gateway.LoadGen.Tests.Loopback;
using Xunit.Abstractions;

namespace Gateway.LoadGen.Tests.Running;

/// <summary>The generator measured against servers whose true latency is known.</summary>
public sealed class SelfCheckTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ServiceTime = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task RunAsync_FixedDelayServerAtModestRate_ReportsTheDelayOnTopOfWhatAnInstantServerTakes()
    {
        await using var delayed = await LoopbackServer.StartAsync(context => PreciseDelay.UntilAsync(Stopwatch.GetTimestamp(), ServiceTime));
        await using var instant = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        using var generator = new LoadGenerator();
        var plan = new LoadPlan
        {
            Phases = [LoadPhase.Steady(50, TimeSpan.FromSeconds(10))],
            MaxRequests = 250,
            MaxDuration = TimeSpan.FromSeconds(30),
            Seed = 2,
        };

        // Every arrival goes to both servers at the same moment, so loopback HTTP and this VM's scheduling cost both
        // the same: the pair's difference is the delay alone, however fast or busy the machine is.
        LoadTarget[] targets = [LoadTarget.Of(delayed.Url("/fixed")), LoadTarget.Of(instant.Url("/instant"))];

        // A few requests first, so connection set-up is not part of what is measured.
        await generator.RunAsync(plan with { MaxRequests = 20 }, targets);
        var result = await generator.RunAsync(plan, targets);

        var (withDelay, bare) = (result.Targets[0], result.Targets[1]);
        var bareByIndex = bare.Requests.ToDictionary(r => r.Index, r => r.LatencyMs);
        var differences = withDelay.Requests.Select(r => r.LatencyMs - bareByIndex[r.Index]).ToArray();
        var difference = LatencySummary.Percentile(differences, 50);
        output.WriteLine($"{withDelay.Latency.Count} arrivals at 50/s to a 20 ms server and an instant one: p50 {withDelay.Latency.P50:0.000} / {bare.Latency.P50:0.000} ms, "
            + $"median difference {difference:0.000} ms; send lag p99 {result.SendLag.P99:0.000} ms");
        Assert.Equal(250, withDelay.Latency.Count);
        Assert.Equal(250, bare.Latency.Count);

        // Never below the server's delay, and the delay is what tells the pair apart: a clock started in the wrong place
        // shows up in the difference (or, if it is the same for both, makes the bare round trip a large share).
        Assert.True(withDelay.Latency.P50 >= ServiceTime.TotalMilliseconds, $"p50 {withDelay.Latency.P50:0.000} ms is below the server's delay");
        Assert.InRange(difference, ServiceTime.TotalMilliseconds - 1, ServiceTime.TotalMilliseconds + 2);
        Assert.True(bare.Latency.P50 < withDelay.Latency.P50 / 2, $"the bare round trip's p50 {bare.Latency.P50:0.000} ms is not small next to the delayed one's");
    }

    [Fact]
    public async Task RunAsync_OverloadedServer_LatencyGrowsWithTheBacklogAsQueueingTheoryPredicts()
    {
        // One request at a time, 20 ms each: a capacity of μ = 50/s, offered λ = 100/s.
        using var gate = new SemaphoreSlim(1, 1);
        long firstStart = 0, lastEnd = 0, served = 0;
        var atServer = new ConcurrentDictionary<long, double>();
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            var arrived = Stopwatch.GetTimestamp();
            await gate.WaitAsync(context.RequestAborted);
            try
            {
                var start = Stopwatch.GetTimestamp();
                Interlocked.CompareExchange(ref firstStart, start, 0);
                await PreciseDelay.UntilAsync(start, ServiceTime);
                Interlocked.Exchange(ref lastEnd, Stopwatch.GetTimestamp());
                Interlocked.Increment(ref served);
            }
            finally
            {
                gate.Release();
            }

            atServer[long.Parse(context.Request.Query["i"]!, CultureInfo.InvariantCulture)] = Stopwatch.GetElapsedTime(arrived).TotalMilliseconds;
        });
        using var generator = new LoadGenerator();
        const double Rate = 100;
        var plan = new LoadPlan
        {
            Phases = [LoadPhase.Steady(Rate, TimeSpan.FromSeconds(3))],
            Arrivals = ArrivalProcess.Constant,
            MaxRequests = 1000,
            MaxDuration = TimeSpan.FromSeconds(30),
            PathAndQuery = i => $"?i={i}",
        };
        var target = LoadTarget.Of(server.Url("/one-at-a-time"));

        var open = await generator.RunAsync(plan, [target]);

        var requests = open.Targets[0].Requests;
        Assert.Equal(300, requests.Count);
        Assert.All(requests, r => Assert.Equal(200, r.Status));
        var fifths = Enumerable.Range(0, 5).Select(f => requests.Skip(f * 60).Take(60).ToArray()).ToArray();
        var measured = fifths.Select(f => f.Average(r => r.LatencyMs)).ToArray();

        // The server was busy from the first arrival on, so it finished request n at about (n + 1)·S, S its
        // average time per request (20 ms plus hand-over; more when this shared VM is busy): the backlog grows
        // by λ − μ a second, and arrival n, at n/λ, waits for all of it. Predicted latency: (n + 1)·S − n/λ.
        // Runs here land within about 2% of it; the margin allows for S drifting with this shared VM's load.
        var perRequestMs = Stopwatch.GetElapsedTime(firstStart, lastEnd).TotalMilliseconds / served;
        var predicted = fifths.Select(f => f.Average(r => ((r.Index + 1) * perRequestMs) - (r.Index * 1000 / Rate))).ToArray();
        var serverSide = fifths.Select(f => f.Average(r => atServer[r.Index])).ToArray();
        output.WriteLine($"server time per request {perRequestMs:0.00} ms; mean latency per fifth, generator / server's own / theory: "
            + string.Join(", ", Enumerable.Range(0, 5).Select(f => $"{measured[f]:0} / {serverSide[f]:0} / {predicted[f]:0} ms")));
        for (var f = 1; f < 5; f++)
        {
            Assert.True(measured[f] > measured[f - 1] + 300, $"fifth {f}: {measured[f]:0} ms should be well above fifth {f - 1}: {measured[f - 1]:0} ms");
        }

        Assert.InRange(measured[4], 0.9 * predicted[4], 1.1 * predicted[4]);

        // What the generator reports is the wait the server saw (plus a little network and client time): it
        // neither hides the backlog nor adds to it.
        Assert.InRange(measured[4], serverSide[4], (1.03 * serverSide[4]) + 10);
        Assert.True(open.SendLag.P99 < 100, $"the scheduler must not wait for responses: send lag p99 {open.SendLag.P99:0.0} ms");

        // The contrast: a closed loop (send, wait, send) against the same server never builds the backlog, so
        // it reports the bare service time and hides the queueing an open loop sees (coordinated omission).
        var closed = await generator.RunClosedAsync(target, connections: 1, TimeSpan.FromSeconds(1), maxRequests: 100, plan);
        output.WriteLine($"closed loop, 1 connection: {closed.Targets[0].Requests.Count} requests, p50 {closed.Targets[0].Latency.P50:0.0} ms, max {closed.Targets[0].Latency.Max:0.0} ms");
        Assert.True(closed.Targets[0].Latency.P99 < 100, $"closed-loop p99 {closed.Targets[0].Latency.P99:0.0} ms");
        Assert.True(measured[4] > 10 * closed.Targets[0].Latency.P99);
    }
}
