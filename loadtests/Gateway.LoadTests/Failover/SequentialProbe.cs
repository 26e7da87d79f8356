using System.Diagnostics;

namespace Gateway.LoadTests.Failover;

/// <summary>
/// A second client that sends one request at a time, each after the last answered, starting right after the event:
/// what a single caller retrying in a loop sees. Runs alongside the open-loop load, not counted in it.
/// </summary>
internal static class SequentialProbe
{
    /// <summary>Up to <paramref name="count"/> requests, no more once the run's clock reaches <paramref name="until"/>.</summary>
    public static async Task<SequentialResult> RunAsync(
        HttpClient client, Uri proxy, int count, TimeSpan until, Stopwatch clock, CancellationToken cancellationToken)
    {
        int sent = 0, failed = 0;
        var url = new Uri(proxy, "/sequential");
        while (sent < count && clock.Elapsed < until)
        {
            // No ?ms=: the upstream draws from its own service-time distribution, the same as the load's.
            var request = await FailoverDriver.SendAsync(client, url, clock.Elapsed, clock, cancellationToken);
            sent++;
            failed += request.IsOk ? 0 : 1;
        }

        return new SequentialResult(sent, failed);
    }
}
