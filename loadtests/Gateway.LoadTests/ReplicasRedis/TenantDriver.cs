using System.Diagnostics;
using Gateway.LoadGen;

namespace Gateway.LoadTests.ReplicasRedis;

/// <summary>
/// Open-loop enqueues for one tenant: Poisson arrivals (seeded) at a fixed rate, round robin over the replicas, none
/// waiting for another. Evenly spaced arrivals would lock in phase with the bucket's refill and hand every token to
/// the replica whose turn falls just after it.
/// </summary>
internal static class TenantDriver
{
    public static async Task<List<EnqueueResult>> RunAsync(
        HttpClient client, IReadOnlyList<Uri> replicas, string apiKey, double rate, TimeSpan duration, Stopwatch clock, int seed = 1)
    {
        var start = clock.Elapsed;
        var sends = new List<Task<EnqueueResult>>();
        var i = 0;
        foreach (var offset in Arrivals.Poisson(rate, duration, seed))
        {
            var wait = start + offset - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            sends.Add(SendAsync(i++ % replicas.Count));
        }

        return [.. await Task.WhenAll(sends)];

        async Task<EnqueueResult> SendAsync(int replica)
        {
            var sentAt = clock.Elapsed;
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(replicas[replica], "/enqueue/x")) { Content = new StringContent("{}") };
            request.Headers.Add("X-Api-Key", apiKey);
            try
            {
                using var response = await client.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                return new EnqueueResult(replica, sentAt, clock.Elapsed - sentAt, (int)response.StatusCode);
            }
            catch (HttpRequestException)
            {
                return new EnqueueResult(replica, sentAt, clock.Elapsed - sentAt, 0);
            }
        }
    }
}
