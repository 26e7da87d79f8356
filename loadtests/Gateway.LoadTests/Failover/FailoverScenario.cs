using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Gateway.LoadGen;

namespace Gateway.LoadTests.Failover;

/// <summary>
/// The same upstream failures, one proxy at a time: three DemoUpstreams behind the gateway, HAProxy or stock YARP,
/// open-loop Poisson load, and at 6 s one upstream is killed (restarted at 12 s), stopped (continued at 12 s) or
/// cleanly restarted. Reports what clients saw: errors, the slowest requests, how long traffic kept going to the
/// failed upstream, how long until it got traffic again, and (ours) that no request is left counted in flight.
/// </summary>
internal static class FailoverScenario
{
    private const int SequentialRequests = 100;

    // Proxies answer a silent upstream's request at the response timeout; the client gives up only well after.
    private static readonly TimeSpan ClientMargin = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(FailoverOptions options)
    {
        // Ctrl+C or SIGTERM stops the run, not the process, so the disposals below continue and kill every upstream
        // and stop every proxy by PID: a frozen upstream is never left behind. A second signal ends the process.
        using var interrupted = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        var rows = new List<FailoverRow>();
        var failures = new List<string>();
        try
        {
            foreach (var failoverEvent in options.Events)
            {
                foreach (var proxy in options.Proxies)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"failover: {FailoverOptions.Name(failoverEvent)} × {FailoverProxies.Describe(proxy)}, {options.Rate:0.##}/s for {FailoverOptions.Format(options.Duration)} …"));
                    var row = await RunOnceAsync(failoverEvent, proxy, options, interrupted.Token);
                    rows.Add(row);
                    Console.Error.WriteLine(FailoverReport.Row(row));
                    if (proxy == FailoverProxy.Ours && row.InFlightAfter is not 0)
                    {
                        failures.Add(string.Create(CultureInfo.InvariantCulture,
                            $"{FailoverOptions.Name(failoverEvent)}: ours' {GatewayInFlight.Metric} summed to {row.InFlightAfter?.ToString(CultureInfo.InvariantCulture) ?? "nothing (metric missing)"} after the load, not 0"));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Console.Error.WriteLine("failover: interrupted; every process it started has been stopped.");
            return 130;
        }

        var markdown = FailoverReport.Markdown(options, rows);
        Console.WriteLine();
        Console.Write(markdown);
        Directory.CreateDirectory(options.OutputDirectory);
        var stem = Path.Combine(options.OutputDirectory, "failover");
        await File.WriteAllTextAsync(stem + ".md", markdown);
        await File.WriteAllTextAsync(stem + ".json", FailoverReport.Json(options, rows));
        Console.WriteLine($"Written: {stem}.md, {stem}.json");
        failures.ForEach(f => Console.Error.WriteLine($"failover: {f}"));
        return failures.Count == 0 ? 0 : 1;

        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = !interrupted.IsCancellationRequested;
            interrupted.Cancel();
        }
    }

    private static async Task<FailoverRow> RunOnceAsync(FailoverEvent failoverEvent, FailoverProxy proxyKind, FailoverOptions options, CancellationToken interrupted)
    {
        // Cancelled however the run ends, so no request of this run outlives it.
        using var run = CancellationTokenSource.CreateLinkedTokenSource(interrupted);
        var upstreams = new List<UpstreamProcess>();
        try
        {
            for (var n = 1; n <= FailoverOptions.Upstreams; n++)
            {
                upstreams.Add(await UpstreamProcess.StartAsync(n, options.ServiceSpec, options.Seed));
            }

            await using var proxy = await FailoverProxies.StartAsync(proxyKind, [.. upstreams.Select(u => u.BaseAddress)], options.ResponseTimeout);
            using var client = new HttpClient(LoadGenerator.CreateDefaultHandler()) { Timeout = options.ResponseTimeout + ClientMargin };
            await WarmUpAsync(client, proxy.BaseAddress, upstreams.Count, run.Token);

            var target = upstreams[failoverEvent switch { FailoverEvent.Kill => 0, FailoverEvent.Stop => 1, _ => 2 }];
            var clock = Stopwatch.StartNew();
            var load = FailoverDriver.RunAsync(client, proxy.BaseAddress, options, clock, run.Token);

            await DelayUntilAsync(clock, FailoverOptions.EventAt, run.Token);
            var eventAt = clock.Elapsed;
            var exited = Task.CompletedTask;
            switch (failoverEvent)
            {
                case FailoverEvent.Kill:
                    await target.KillAsync();
                    break;
                case FailoverEvent.Stop:
                    target.Stop();
                    break;
                default:
                    exited = target.TerminateAsync(TimeSpan.FromSeconds(10));
                    break;
            }

            var sequential = SequentialProbe.RunAsync(client, proxy.BaseAddress, SequentialRequests, FailoverOptions.RecoverAt, clock, run.Token);
            TimeSpan? listeningAt = null;
            TimeSpan recoverAt;
            if (failoverEvent == FailoverEvent.Stop)
            {
                await DelayUntilAsync(clock, FailoverOptions.RecoverAt, run.Token);
                recoverAt = clock.Elapsed;
                target.Continue();
            }
            else
            {
                if (failoverEvent == FailoverEvent.Kill)
                {
                    await DelayUntilAsync(clock, FailoverOptions.RecoverAt, run.Token);
                }
                else
                {
                    await exited;
                }

                recoverAt = clock.Elapsed;
                await target.StartAgainAsync();
                listeningAt = clock.Elapsed;
            }

            var requests = await load;
            var sequentialResult = await sequential;
            var inFlight = proxyKind == FailoverProxy.Ours
                ? await GatewayInFlight.ScrapeAsync(client, proxy.BaseAddress, TimeSpan.FromSeconds(3), run.Token)
                : null;
            return FailoverMeasures.Compute(
                FailoverOptions.Name(failoverEvent),
                FailoverProxies.Describe(proxyKind),
                requests,
                new FailoverTimeline(eventAt, recoverAt, listeningAt),
                target.ServiceName,
                sequentialResult,
                inFlight);
        }
        finally
        {
            await run.CancelAsync();
            foreach (var upstream in upstreams)
            {
                await upstream.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Requests through the proxy, six at a time so least-loaded balancers spread them, for at least 3 s and until every
    /// upstream has answered (at most 15 s): connections open, and the proxy's and this client's code past the JIT's
    /// first tiers, whose recompiling otherwise stalls the first second or two of the run on this 2-core machine.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient client, Uri proxy, int upstreams, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<string>();
        var url = new Uri(proxy, "/warm-up?ms=5");
        while ((clock.Elapsed < TimeSpan.FromSeconds(3) || seen.Count < upstreams) && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => FailoverDriver.SendAsync(client, url, clock.Elapsed, clock, cancellationToken)));
            seen.UnionWith(batch.Select(r => r.Service).OfType<string>());
        }

        if (seen.Count < upstreams)
        {
            throw new InvalidOperationException($"warm-up: only {seen.Count} of {upstreams} upstreams ({string.Join(", ", seen.Order())}) answered through {proxy} within 15 s");
        }
    }

    private static async Task DelayUntilAsync(Stopwatch clock, TimeSpan at, CancellationToken cancellationToken)
    {
        var wait = at - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
    }
}
