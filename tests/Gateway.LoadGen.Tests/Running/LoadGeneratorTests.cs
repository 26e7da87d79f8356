using System.Collections.Concurrent;
using System.Globalization;
using Gateway.LoadGen.Tests.Loopback;
using Microsoft.AspNetCore.Http;

namespace Gateway.LoadGen.Tests.Running;

/// <summary>The generator against real Kestrel servers on loopback.</summary>
public sealed class LoadGeneratorTests
{
    [Fact]
    public async Task RunAsync_TwoTargetsOneWithTwoUrls_EveryArrivalReachesEveryTargetWithTheSamePathAndHeaders()
    {
        var seen = new ConcurrentBag<(string Path, string Query, string? Auth, string? Custom)>();
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            seen.Add((context.Request.Path, context.Request.QueryString.Value ?? "", context.Request.Headers.Authorization, context.Request.Headers["X-Custom"]));
            return Task.CompletedTask;
        });
        using var generator = new LoadGenerator();
        const int Arrivals = 40;
        var plan = Plan(rate: 200, Arrivals) with
        {
            Headers = [new("Authorization", "Bearer abc"), new("X-Custom", "v 1")],
            PathAndQuery = i => $"item/{i}?k={i * 7}",
        };

        var result = await generator.RunAsync(plan, [new("A", [server.Url("/a1/"), server.Url("/a2")]), new("B", [server.Url("/b/")])]);

        Assert.Equal(Arrivals, result.Arrivals);
        Assert.Equal(["A", "B"], result.Targets.Select(t => t.Name));
        Assert.Equal(2 * Arrivals, seen.Count);
        for (var i = 0; i < Arrivals; i++)
        {
            Assert.Contains(($"/a{1 + (i % 2)}/item/{i}", $"?k={i * 7}", "Bearer abc", "v 1"), seen);
            Assert.Contains(($"/b/item/{i}", $"?k={i * 7}", "Bearer abc", "v 1"), seen);
            var (a, b) = (result.Targets[0].Requests[i], result.Targets[1].Requests[i]);
            Assert.Equal((i, i), (a.Index, b.Index));
            Assert.Equal(a.ScheduledMs, b.ScheduledMs);
            Assert.Equal((200, 200), (a.Status, b.Status));
        }
    }

    [Fact]
    public async Task RunAsync_RandomSelection_SpreadsArrivalsOverEveryUrlNotInRotation_AndRepeatsWithTheSeed()
    {
        var seen = new ConcurrentDictionary<int, string>();
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            var segments = context.Request.Path.Value!.Split('/');
            seen[int.Parse(segments[^1], CultureInfo.InvariantCulture)] = segments[1];
            return Task.CompletedTask;
        });
        using var generator = new LoadGenerator();
        const int Arrivals = 300;
        var plan = Plan(rate: 1000, Arrivals) with { PathAndQuery = i => $"item/{i}", Seed = 5 };
        var target = new LoadTarget("direct", [server.Url("/u0/"), server.Url("/u1/"), server.Url("/u2/")]) { Selection = UrlSelection.Random };

        await generator.RunAsync(plan, [target]);
        var first = Enumerable.Range(0, Arrivals).Select(i => seen[i]).ToArray();
        seen.Clear();
        await generator.RunAsync(plan, [target]);
        var second = Enumerable.Range(0, Arrivals).Select(i => seen[i]).ToArray();

        Assert.All(first.CountBy(u => u), c => Assert.InRange(c.Value, 60, 140));
        Assert.Equal(3, first.Distinct().Count());
        Assert.NotEqual(Enumerable.Range(0, Arrivals).Select(i => $"u{i % 3}"), first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RunAsync_ServerTimingCaptureAndStatuses_RecordedPerRequest()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            var index = int.Parse(context.Request.Query["i"]!, System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = index % 2 == 0 ? 200 : 503;
            context.Response.Headers["Server-Timing"] = "total;dur=99, app;dur=1.5";
            context.Response.Headers["X-Demo-Queue-Ms"] = $"{index}";
            return context.Response.WriteAsync("body");
        });
        using var generator = new LoadGenerator();
        var plan = Plan(rate: 200, 20) with { PathAndQuery = i => $"?i={i}", CaptureHeaders = ["X-Demo-Queue-Ms", "X-Missing"] };

        var result = await generator.RunAsync(plan, [new("t", [server.Url("/x")])]);

        var target = Assert.Single(result.Targets);
        Assert.Equal(new Dictionary<string, int> { ["200"] = 10, ["503"] = 10 }, target.StatusCounts);
        Assert.Equal(10, target.Ok);
        Assert.Equal(0, target.Errors);
        Assert.All(target.Requests, r =>
        {
            Assert.Equal(1.5, r.AppMs);
            Assert.Equal(r.LatencyMs - 1.5, r.QueueingMs);
            Assert.Equal([$"{r.Index}", null], r.Captured);
        });
        Assert.NotNull(target.Queueing);
        Assert.Equal(["X-Demo-Queue-Ms", "X-Missing"], result.CaptureHeaders);
    }

    [Fact]
    public async Task RunAsync_MaxRequestsBelowTheSchedule_StopsSendingAtTheBound()
    {
        var hits = 0;
        await using var server = await LoopbackServer.StartAsync(_ =>
        {
            Interlocked.Increment(ref hits);
            return Task.CompletedTask;
        });
        using var generator = new LoadGenerator();

        var result = await generator.RunAsync(Plan(rate: 500, maxRequests: 100, phase: TimeSpan.FromSeconds(20)), [LoadTarget.Of(server.Url("/"))]);

        Assert.Equal(LoadStopReason.MaxRequests, result.StopReason);
        Assert.Equal(100, result.Arrivals);
        Assert.Equal(100, hits);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), result.Targets[0].Requests.Select(r => r.Index));
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(10), $"100 arrivals at 500/s took {result.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_ServerNeverAnswers_StopsAtMaxDurationAndMarksTheRequestsCut()
    {
        await using var server = await LoopbackServer.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var generator = new LoadGenerator();
        var plan = Plan(rate: 20, maxRequests: 1000, phase: TimeSpan.FromSeconds(60)) with { MaxDuration = TimeSpan.FromSeconds(1) };

        var result = await generator.RunAsync(plan, [LoadTarget.Of(server.Url("/"))]);

        // Constant arrivals at 0, 50, …, 950 ms: 20 inside the bound, none after it.
        Assert.Equal(LoadStopReason.MaxDuration, result.StopReason);
        Assert.Equal(20, result.Arrivals);
        Assert.All(result.Targets[0].Requests, r => Assert.Equal(("cut", 0), (r.Error, r.Status)));
        Assert.Equal(new Dictionary<string, int> { ["error:cut"] = 20 }, result.Targets[0].StatusCounts);
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_SlowServer_RequestTimeoutRecordsTimeout()
    {
        await using var server = await LoopbackServer.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var generator = new LoadGenerator();
        var plan = Plan(rate: 20, maxRequests: 5) with { RequestTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await generator.RunAsync(plan, [LoadTarget.Of(server.Url("/"))]);

        Assert.All(result.Targets[0].Requests, r =>
        {
            Assert.Equal("timeout", r.Error);

            // .NET timers tick on a 4 ms coarse clock here and can fire a few ms early.
            Assert.InRange(r.LatencyMs, 290, 5000);
        });
    }

    [Fact]
    public async Task RunAsync_NothingListening_RecordsConnectionRefused()
    {
        using var generator = new LoadGenerator();

        var result = await generator.RunAsync(Plan(rate: 50, maxRequests: 3), [LoadTarget.Of(LoopbackPort.Refusing())]);

        Assert.Equal(new Dictionary<string, int> { ["error:connection_refused"] = 3 }, result.Targets[0].StatusCounts);
    }

    [Fact]
    public async Task RunAsync_WithProgress_ReportsWhileRunningAndOnceAtTheEnd()
    {
        await using var server = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        using var generator = new LoadGenerator();
        var reports = new ConcurrentQueue<LoadProgress>();

        var result = await generator.RunAsync(
            Plan(rate: 100, maxRequests: 1000, phase: TimeSpan.FromSeconds(2.5)), [LoadTarget.Of(server.Url("/"))], reports.Enqueue);

        Assert.True(reports.Count >= 3, $"{reports.Count} reports");
        var last = reports.Last();
        Assert.Equal((250, 250, 0, 0), (last.Sent, last.Completed, last.InFlight, last.Errors));
        Assert.True(last.P99SoFarMs > 0);
        Assert.Equal(250, result.Arrivals);
        Assert.Contains(reports, r => r.RatePerSecond is > 50 and < 200);
    }

    [Fact]
    public async Task RunAsync_Cancelled_Throws()
    {
        await using var server = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        using var generator = new LoadGenerator();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => generator.RunAsync(Plan(rate: 50, maxRequests: 1000, phase: TimeSpan.FromSeconds(30)), [LoadTarget.Of(server.Url("/"))], null, cancel.Token));
    }

    [Fact]
    public async Task RunAsync_InvalidPlanOrTargets_ThrowsArgumentException()
    {
        using var generator = new LoadGenerator();
        LoadTarget[] targets = [LoadTarget.Of(new Uri("http://127.0.0.1:9/"))];

        await Assert.ThrowsAsync<ArgumentException>(() => generator.RunAsync(Plan(10, 10) with { Phases = [] }, targets));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.RunAsync(Plan(10, 10) with { Phases = [new LoadPhase(-1, 5, TimeSpan.FromSeconds(1))] }, targets));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.RunAsync(Plan(10, 0), targets));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.RunAsync(Plan(10, 10) with { MaxDuration = TimeSpan.Zero }, targets));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.RunAsync(Plan(10, 10) with { Headers = [new("Content-Type", "text/plain")] }, targets));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.RunAsync(Plan(10, 10) with { Body = new byte[1], BodyContentType = "not a type" }, targets));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.RunAsync(Plan(10, 10), [new LoadTarget("t", [])]));
        await Assert.ThrowsAsync<ArgumentException>(() => generator.RunAsync(Plan(10, 10), [new LoadTarget("t", [new Uri("/rel", UriKind.Relative)])]));
    }

    [Fact]
    public async Task RunClosedAsync_OneConnection_NeverMoreThanOneInFlightAndStopsAtMaxRequests()
    {
        int inFlight = 0, maxInFlight = 0;
        await using var server = await LoopbackServer.StartAsync(async _ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(2);
            Interlocked.Decrement(ref inFlight);
        });
        using var generator = new LoadGenerator();

        var result = await generator.RunClosedAsync(LoadTarget.Of(server.Url("/")), connections: 1, TimeSpan.FromSeconds(30), maxRequests: 20);

        Assert.True(result.ClosedLoop);
        Assert.Equal(LoadStopReason.MaxRequests, result.StopReason);
        Assert.Equal(20, result.Targets[0].Requests.Count);
        Assert.Equal(20, result.Targets[0].Ok);
        Assert.Equal(1, maxInFlight);
    }

    [Fact]
    public async Task RunClosedAsync_FourConnections_KeepsFourInFlightUntilTheDuration()
    {
        int inFlight = 0, maxInFlight = 0;
        await using var server = await LoopbackServer.StartAsync(async _ =>
        {
            InterlockedMax(ref maxInFlight, Interlocked.Increment(ref inFlight));
            await Task.Delay(20);
            Interlocked.Decrement(ref inFlight);
        });
        using var generator = new LoadGenerator();

        var result = await generator.RunClosedAsync(LoadTarget.Of(server.Url("/")), connections: 4, TimeSpan.FromSeconds(1), maxRequests: 100_000);

        Assert.Equal(LoadStopReason.Completed, result.StopReason);
        Assert.Equal(4, maxInFlight);
        // Each request takes at least ~20 ms, so four workers fit at most about 200 in a second.
        Assert.InRange(result.Targets[0].Requests.Count, 20, 4 * ((1000 / 15) + 1));
    }

    private static LoadPlan Plan(double rate, int maxRequests, TimeSpan? phase = null) => new()
    {
        Phases = [LoadPhase.Steady(rate, phase ?? TimeSpan.FromSeconds(30))],
        Arrivals = ArrivalProcess.Constant,
        MaxRequests = maxRequests,
        MaxDuration = TimeSpan.FromSeconds(60),
    };

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
