using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gateway.LoadGen;

/// <summary>Renders a <see cref="LoadResult"/> as a Markdown table (one row per target) or as JSON.</summary>
public static class LoadReport
{
    /// <summary>
    /// A line describing the run, then a table with one row per target: requests, 2xx, errors, throughput,
    /// latency percentiles, queueing (latency − Server-Timing app) where present, captured numeric headers, statuses.
    /// </summary>
    public static string ToMarkdown(LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var captures = NumericCaptures(result);
        var queueing = result.Targets.Any(t => t.Queueing is not null);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{result.Arrivals} arrivals × {result.Targets.Count} target(s) in {result.Elapsed.TotalSeconds:0.0} s");
        if (!result.ClosedLoop)
        {
            text.Append(CultureInfo.InvariantCulture, $"; scheduled {Number(result.ScheduledRatePerSecond)}/s, sent {Number(result.AchievedRatePerSecond)}/s, send lag p99 {Ms(result.SendLag.P99)} ms");
        }

        text.Append(CultureInfo.InvariantCulture, $" ({result.Description ?? "no description"})\n\n");
        text.Append("| target | requests | 2xx | errors | 2xx/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
        if (queueing)
        {
            text.Append(" queueing mean ms | queueing p99 ms |");
        }

        foreach (var (name, _) in captures)
        {
            text.Append(CultureInfo.InvariantCulture, $" {Cell(name)} mean | {Cell(name)} p99 |");
        }

        text.Append(" statuses |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        text.Append(string.Concat(Enumerable.Repeat("---:|", (queueing ? 2 : 0) + (2 * captures.Count))));
        text.Append("---|\n");
        foreach (var target in result.Targets)
        {
            var latency = target.Latency;
            text.Append(CultureInfo.InvariantCulture, $"| {Cell(target.Name)} | {target.Requests.Count} | {target.Ok} | {target.Errors} | {target.ThroughputPerSecond:0.0} | ");
            text.Append(CultureInfo.InvariantCulture, $"{Ms(latency.P50)} | {Ms(latency.P90)} | {Ms(latency.P99)} | {Ms(latency.P999)} | {Ms(latency.Max)} |");
            if (queueing)
            {
                text.Append(CultureInfo.InvariantCulture, $" {Ms(target.Queueing?.Mean)} | {Ms(target.Queueing?.P99)} |");
            }

            foreach (var (_, index) in captures)
            {
                var values = Captured(target, index);
                text.Append(CultureInfo.InvariantCulture, $" {Ms(values.Mean)} | {Ms(values.P99)} |");
            }

            text.Append(CultureInfo.InvariantCulture, $" {Cell(string.Join(", ", target.StatusCounts.Select(s => $"{s.Key}: {s.Value}")))} |\n");
        }

        return text.ToString();
    }

    /// <summary>The summaries as JSON (snake_case, milliseconds; NaN as null).</summary>
    public static string ToJson(LoadResult result) => ToJson(result, includeRequests: false);

    /// <summary>The summaries as JSON, and with <paramref name="includeRequests"/> every request's record too.</summary>
    public static string ToJson(LoadResult result, bool includeRequests)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("description", result.Description);
            json.WriteBoolean("closed_loop", result.ClosedLoop);
            json.WriteNumber("elapsed_ms", result.Elapsed.TotalMilliseconds);
            json.WriteNumber("arrivals", result.Arrivals);
            json.WriteString("stop_reason", result.StopReason.ToString());
            Number(json, "scheduled_rate_per_second", result.ScheduledRatePerSecond);
            Number(json, "achieved_rate_per_second", result.AchievedRatePerSecond);
            Summary(json, "send_lag_ms", result.SendLag);
            json.WriteStartArray("capture_headers");
            foreach (var header in result.CaptureHeaders)
            {
                json.WriteStringValue(header);
            }

            json.WriteEndArray();
            json.WriteStartArray("targets");
            foreach (var target in result.Targets)
            {
                WriteTarget(json, result, target, includeRequests);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteTarget(Utf8JsonWriter json, LoadResult result, TargetResult target, bool includeRequests)
    {
        json.WriteStartObject();
        json.WriteString("name", target.Name);
        json.WriteNumber("requests", target.Requests.Count);
        json.WriteNumber("ok", target.Ok);
        json.WriteNumber("errors", target.Errors);
        Number(json, "throughput_per_second", target.ThroughputPerSecond);
        Summary(json, "latency_ms", target.Latency);
        Summary(json, "queueing_ms", target.Queueing);
        json.WriteStartObject("status_counts");
        foreach (var (status, count) in target.StatusCounts)
        {
            json.WriteNumber(status, count);
        }

        json.WriteEndObject();
        json.WriteStartObject("captured");
        for (var i = 0; i < result.CaptureHeaders.Count; i++)
        {
            Summary(json, result.CaptureHeaders[i], Captured(target, i));
        }

        json.WriteEndObject();
        if (includeRequests)
        {
            json.WriteStartArray("records");
            foreach (var record in target.Requests)
            {
                json.WriteStartObject();
                json.WriteNumber("index", record.Index);
                json.WriteNumber("scheduled_ms", Math.Round(record.ScheduledMs, 3));
                json.WriteNumber("latency_ms", Math.Round(record.LatencyMs, 3));
                json.WriteNumber("status", record.Status);
                json.WriteString("error", record.Error);
                json.WriteString("server_timing", record.ServerTiming);
                json.WriteStartArray("captured");
                foreach (var value in record.Captured)
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void Summary(Utf8JsonWriter json, string name, LatencySummary? summary)
    {
        if (summary is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteNumber("count", summary.Count);
        Number(json, "mean", summary.Mean);
        Number(json, "p50", summary.P50);
        Number(json, "p90", summary.P90);
        Number(json, "p99", summary.P99);
        Number(json, "p999", summary.P999);
        Number(json, "max", summary.Max);
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, Math.Round(value, 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static List<(string Name, int Index)> NumericCaptures(LoadResult result) =>
        [.. result.CaptureHeaders.Select((name, index) => (name, index))
            .Where(c => result.Targets.Any(t => t.Requests.Any(r => r.CapturedNumber(c.index) is not null)))];

    private static LatencySummary Captured(TargetResult target, int index) =>
        LatencySummary.Of(target.Requests.Select(r => r.CapturedNumber(index)).OfType<double>());

    private static string Ms(double? value) => value switch
    {
        null or double.NaN => "–",
        < 10 => value.Value.ToString("0.00", CultureInfo.InvariantCulture),
        < 10_000 => value.Value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0", CultureInfo.InvariantCulture),
    };

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("0.0", CultureInfo.InvariantCulture) : "–";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
