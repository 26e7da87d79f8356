using System.Diagnostics;
using System.Globalization;

namespace Gateway.Tests.Integration;

/// <summary>
/// An open-loop client: Poisson arrivals on a fixed schedule, each request sent at its scheduled time
/// whether or not earlier ones have finished, with latency measured from the scheduled time (so a slow
/// server cannot hide its queueing by slowing the client down). Bounded by count and by duration.
/// </summary>
internal static class OpenLoopLoad
{
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public static async Task<IReadOnlyList<LoadSample>> RunAsync(
        HttpClient client, Func<int, Uri> target, double ratePerSecond, int count, int seed, TimeSpan maxDuration, int batch = 1)
    {
        var random = new Random(seed);
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(maxDuration.TotalSeconds * Stopwatch.Frequency);
        var tasks = new List<Task<LoadSample>>(count);
        double offsetSeconds = 0;
        for (var i = 0; i < count; i++)
        {
            // A batch of requests shares one arrival instant.
            if (i % batch == 0)
            {
                offsetSeconds += -Math.Log(1.0 - random.NextDouble()) / (ratePerSecond / batch);
            }

            var scheduled = start + (long)(offsetSeconds * Stopwatch.Frequency);
            if (scheduled > deadline)
            {
                break;
            }

            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            tasks.Add(SendAsync(client, target(i), scheduled));
        }

        return await Task.WhenAll(tasks);
    }

    /// <summary>
    /// Like <see cref="RunAsync"/>, but each arrival is sent to every target at the same instant: one column
    /// per target. Systems measured side by side this way see the same arrivals and the same machine.
    /// </summary>
    public static async Task<IReadOnlyList<LoadSample>[]> RunPairedAsync(
        HttpClient client, Func<int, Uri[]> targets, double ratePerSecond, int count, int seed, TimeSpan maxDuration)
    {
        var width = targets(0).Length;
        var samples = await RunAsync(client, i => targets(i / width)[i % width], ratePerSecond * width, count * width, seed, maxDuration, width);
        return Enumerable.Range(0, width).Select(c => (IReadOnlyList<LoadSample>)samples.Where((_, i) => i % width == c).ToArray()).ToArray();
    }

    public static async Task<LoadSample> SendAsync(HttpClient client, Uri uri, long scheduled)
    {
        using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead);
        var body = await response.Content.ReadAsStringAsync();
        var latency = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
        string? timing = response.Headers.TryGetValues("Server-Timing", out var values) ? string.Join(',', values) : null;
        return new LoadSample(
            (int)response.StatusCode,
            latency,
            response.Headers.TryGetValues("X-Demo-Queue-Ms", out var queue) ? Parse(queue.First()) : null,
            ServerTiming(timing, "app"),
            ServerTiming(timing, "queue"),
            ServerTiming(timing, "ulq"),
            body);
    }

    private static double? Parse(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static double? ServerTiming(string? header, string metric)
    {
        if (header is null)
        {
            return null;
        }

        foreach (var entry in header.Split(','))
        {
            var parts = entry.Split(';', StringSplitOptions.TrimEntries);
            if (parts[0] == metric)
            {
                var dur = parts.Skip(1).FirstOrDefault(p => p.StartsWith("dur=", StringComparison.Ordinal));
                return dur is null ? null : Parse(dur[4..]);
            }
        }

        return null;
    }
}
