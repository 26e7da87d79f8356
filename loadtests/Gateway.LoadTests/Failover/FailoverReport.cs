using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.LoadTests.Failover;

/// <summary>The failover scenario's Markdown report (printed, and written to failover.md) and its JSON.</summary>
internal static class FailoverReport
{
    public static string Markdown(FailoverOptions options, IReadOnlyList<FailoverRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"""
            # Failover

            {FailoverOptions.Upstreams} DemoUpstreams × {FailoverOptions.Slots} slots on loopback, Poisson arrivals at {options.Rate:0.##}/s for {Prose(options.Duration)} per run, service times `{options.ServiceSpec}` (drawn by the client, seed {options.Seed}, the same for every proxy), response timeout {Prose(options.ResponseTimeout)}. Every event × proxy is a fresh run: new upstreams, new proxy.

            Events, at {Prose(FailoverOptions.EventAt)} into the run:
            """);
        foreach (var e in options.Events)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- **{FailoverOptions.Name(e)}**: {DescribeEvent(e)}");
        }

        text.AppendLine().AppendLine("Proxies:");
        foreach (var p in options.Proxies)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- **{FailoverProxies.Describe(p)}**: {FailoverProxies.Settings(p, options.ResponseTimeout)}");
        }

        text.AppendLine()
            .AppendLine("| event | proxy | requests | errors | errors % | errors from event + 1 s | p99 (ms) | max (ms) | traffic off after (ms) | back after (ms) | sequential: failed / sent | in flight after | failures by kind |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            text.AppendLine(Row(row));
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"""

            - **errors**: non-2xx responses and transport failures, of every request of the run; *from event + 1 s*: those sent a second or more after the event, when no proxy has to be caught out any more.
            - **p99, max**: latency of every request, failed ones included (until they failed), from its scheduled send time.
            - **traffic off after**: from the event to the send time of the last request sent before recovery that failed or took over {FailoverMeasures.SlowMs:0} ms; *none* when no request did.
            - **back after**: from recovery (the upstream started again, or SIGCONT) to the send time of the first request that upstream answered (the `service` in its body); *never* when none did by the end of the run. In brackets: the upstream's own start-up, until it listened again.
            - **sequential**: a second client sending one request at a time from the event, up to 100 and no later than {Prose(FailoverOptions.RecoverAt)} into the run.
            - **in flight after**: ours only: `{GatewayInFlight.Metric}` summed over destinations from /metrics once the load has stopped; it must be 0.

            Reproduce: `{options.CommandLine}`
            """);
        return text.ToString();
    }

    public static string Row(FailoverRow row) => string.Create(CultureInfo.InvariantCulture,
        $"| {row.Event} | {row.Proxy} | {row.Requests} | {row.Errors} | {row.ErrorPercent:0.00} | {row.ErrorsAfterGrace} | {row.P99Ms:0} | {row.MaxMs:0} | {Ms(row.TrafficOffMs, "none")} | {Back(row)} | {row.Sequential.Failed} / {row.Sequential.Sent} | {(row.InFlightAfter is { } n ? n.ToString("0", CultureInfo.InvariantCulture) : "n/a")} | {Failures(row.Failures)} |");

    public static string Json(FailoverOptions options, IReadOnlyList<FailoverRow> rows) => JsonSerializer.Serialize(
        new
        {
            Command = options.CommandLine,
            options.Rate,
            DurationS = options.Duration.TotalSeconds,
            ResponseTimeoutS = options.ResponseTimeout.TotalSeconds,
            Service = options.ServiceSpec,
            options.Seed,
            EventAtS = FailoverOptions.EventAt.TotalSeconds,
            RecoverAtS = FailoverOptions.RecoverAt.TotalSeconds,
            OursActiveHealthPolicy = FailoverProxies.OursActiveHealthPolicy,
            Rows = rows,
        },
        new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        });

    private static string DescribeEvent(FailoverEvent e) => e switch
    {
        FailoverEvent.Kill => $"SIGKILL upstream-1; started again on the same port at {Prose(FailoverOptions.RecoverAt)}.",
        FailoverEvent.Stop => $"SIGSTOP upstream-2 (hung: connections accepted, nothing answered); SIGCONT at {Prose(FailoverOptions.RecoverAt)}.",
        _ => "SIGTERM upstream-3 (a clean shutdown, as in a deploy); started again on the same port as soon as it exited.",
    };

    private static string Back(FailoverRow row)
    {
        var back = Ms(row.BackMs, "never");
        return row.ListeningMs is { } listening ? string.Create(CultureInfo.InvariantCulture, $"{back} ({listening:0})") : back;
    }

    /// <summary>A duration in running text: <c>6 s</c>, <c>1.5 s</c>.</summary>
    public static string Prose(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s");

    private static string Ms(double? ms, string absent) => ms is { } value ? value.ToString("0", CultureInfo.InvariantCulture) : absent;

    private static string Failures(IReadOnlyDictionary<string, int> failures) => failures.Count == 0
        ? "–"
        : string.Join(", ", failures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} × {f.Value}")));
}
