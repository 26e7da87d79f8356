using System.Diagnostics;
using System.Globalization;

namespace Gateway.LoadTests.Failover;

/// <summary>
/// The gateway's own count of requests in flight to its destinations (<c>gateway_destination_inflight</c>, summed),
/// read from /metrics once the load has stopped: anything but 0 then is a request counted in and never out.
/// </summary>
internal static class GatewayInFlight
{
    public const string Metric = "gateway_destination_inflight";

    /// <summary>
    /// Scrapes until the sum is 0 or <paramref name="settle"/> has passed (a response can reach the client a moment
    /// before the gateway's count goes down); the last sum, or null when the metric is missing.
    /// </summary>
    public static async Task<double?> ScrapeAsync(HttpClient client, Uri gateway, TimeSpan settle, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var sum = Sum(await client.GetStringAsync(new Uri(gateway, "/metrics"), cancellationToken));
            if (sum is null or 0 || Stopwatch.GetElapsedTime(started) >= settle)
            {
                return sum;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The sum of <see cref="Metric"/>'s samples in a Prometheus text exposition; null when it has none.</summary>
    public static double? Sum(string exposition)
    {
        double? sum = null;
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(Metric, StringComparison.Ordinal) && line.Length > Metric.Length && line[Metric.Length] is '{' or ' ')
            {
                // The value follows the last space when the sample has no timestamp, as the gateway writes it.
                var value = line[(line.LastIndexOf(' ') + 1)..].Trim();
                sum = (sum ?? 0) + double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
