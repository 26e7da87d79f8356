using System.Globalization;
using System.Text.RegularExpressions;

namespace DemoUpstream.Tests.Work;

/// <summary>The three headers DemoUpstream promises on every simulated-work response, parsed strictly.</summary>
internal sealed partial record ContractHeaders(double ServerTimingMs, int InFlight, int Limit, double QueueMs)
{
    public static ContractHeaders Parse(HttpResponseMessage response)
    {
        var serverTiming = ServerTimingPattern().Match(Single(response, "Server-Timing"));
        Assert.True(serverTiming.Success, $"Server-Timing '{Single(response, "Server-Timing")}' is not 'app;dur=<ms>'");

        var loadMetrics = LoadMetricsPattern().Match(Single(response, "endpoint-load-metrics"));
        Assert.True(
            loadMetrics.Success,
            $"endpoint-load-metrics '{Single(response, "endpoint-load-metrics")}' is not 'TEXT named_metrics.inflight=<n>, named_metrics.limit=<n>'");

        var queueText = Single(response, "X-Demo-Queue-Ms");
        Assert.True(
            double.TryParse(queueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var queueMs),
            $"X-Demo-Queue-Ms '{queueText}' is not a number");

        return new ContractHeaders(
            double.Parse(serverTiming.Groups["dur"].Value, CultureInfo.InvariantCulture),
            int.Parse(loadMetrics.Groups["inflight"].Value, CultureInfo.InvariantCulture),
            int.Parse(loadMetrics.Groups["limit"].Value, CultureInfo.InvariantCulture),
            queueMs);
    }

    private static string Single(HttpResponseMessage response, string name)
    {
        Assert.True(response.Headers.TryGetValues(name, out var values), $"missing header {name}");
        return Assert.Single(values);
    }

    [GeneratedRegex(@"^app;dur=(?<dur>\d+(\.\d+)?)$")]
    private static partial Regex ServerTimingPattern();

    [GeneratedRegex(@"^TEXT named_metrics\.inflight=(?<inflight>\d+), named_metrics\.limit=(?<limit>\d+)$")]
    private static partial Regex LoadMetricsPattern();
}
