using System.Globalization;

namespace Gateway.LoadTests.NoisyNeighbor;

/// <summary>
/// Scrapes DemoUpstream's <c>demo_jobs_oldest_age_seconds</c> for one queue about once a second while a run goes on:
/// the queue-wide latency SLI, all tenants together, as a dashboard would see it.
/// </summary>
internal sealed class QueueAgeSampler(HttpClient client, Uri upstream, string queue, TimeProvider time)
{
    private readonly List<(double AtSeconds, double AgeSeconds)> _samples = [];

    public IReadOnlyList<(double AtSeconds, double AgeSeconds)> Samples => _samples;

    /// <summary>Samples until <paramref name="stop"/> is cancelled; times are seconds from the call.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var started = time.GetTimestamp();
        var metrics = new Uri(upstream, "/metrics");
        var prefix = "demo_jobs_oldest_age_seconds{";
        var label = $"queue=\"{queue}\"";
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var text = await client.GetStringAsync(metrics, stop);
                var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));
                if (line is not null && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var age))
                {
                    _samples.Add((time.GetElapsedTime(started).TotalSeconds, age));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // A missed scrape is a gap in the samples, not a failed run.
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
