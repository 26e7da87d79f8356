using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadGen;
using Gateway.Testing;

namespace Gateway.LoadTests.Race;

/// <summary>
/// The race qdelay exists to expose. Two clients enqueue jobs through the gateway into DemoUpstream's jobs API and
/// then act on the result: one sleeps a fixed time ("the job takes about 50 ms, so 500 ms is plenty") and reads
/// once; the other waits on its job token. Run once with a token without qdelay and once with one carrying qdelay:
/// under normal conditions both are right, and only the delay shows which client is correct.
/// </summary>
internal static class RaceScenario
{
    public static async Task<int> RunAsync(RaceOptions options)
    {
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync("--DemoUpstream:ServiceName=orders", "--DemoUpstream:Jobs:Concurrency=8");
        using var config = new GatewayConfigFile()
            .AddCluster("orders", "ConcurrencyAware", [upstream.BaseAddress])
            .Set("Gateway:Authentication:HmacKey", JsonValue.Create(key))
            .Set("Logging:LogLevel:Gateway.AccessLog", JsonValue.Create("Warning"));
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        var rows = new List<string>();
        var failures = new List<string>();
        foreach (var qdelay in new[] { 0, options.QdelayMs })
        {
            var claims = new Dictionary<string, object> { ["sub"] = "race", ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() };
            if (qdelay > 0)
            {
                claims["qdelay"] = qdelay;
            }

            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HmacToken.Sign(key, claims));
            Console.Error.WriteLine($"race: qdelay {qdelay} ms, {options.Jobs} jobs per client …");
            var outcomes = await Task.WhenAll(Enumerable.Range(0, options.Jobs).SelectMany(i => new[]
            {
                RunJobAsync(client, RaceClient.Sleeping, i, options),
                RunJobAsync(client, RaceClient.Polling, i, options),
            }));
            foreach (var kind in new[] { RaceClient.Sleeping, RaceClient.Polling })
            {
                var mine = outcomes.Where(o => o.Client == kind).ToList();
                var correct = mine.Count(o => o.SawFinalState);
                var waits = LatencySummary.Of(mine.Select(o => o.Waited.TotalMilliseconds).ToList());
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {qdelay} | {Describe(kind, options)} | {mine.Count} | {correct} | {mine.Count - correct} | {waits.P50:0} | {waits.Max:0} |"));
                if (kind == RaceClient.Polling && correct != mine.Count)
                {
                    failures.Add($"the polling client read a non-final state for {mine.Count - correct} jobs at qdelay {qdelay} ms");
                }

                if (kind == RaceClient.Sleeping && qdelay == 0 && correct != mine.Count)
                {
                    failures.Add($"without qdelay the sleeping client was already wrong for {mine.Count - correct} jobs: raise --sleep-ms");
                }

                if (kind == RaceClient.Sleeping && qdelay > 0 && correct == mine.Count)
                {
                    failures.Add("with qdelay the sleeping client was never wrong: the race did not show");
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("| qdelay (ms) | client | jobs | acted on the final state | acted on stale state | wait p50 (ms) | wait max (ms) |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine($"Reproduce: {options.CommandLine}");
        failures.ForEach(f => Console.Error.WriteLine($"race: {f}"));
        return failures.Count == 0 ? 0 : 1;
    }

    private static string Describe(RaceClient kind, RaceOptions options) =>
        kind == RaceClient.Sleeping ? $"sleeps {options.SleepMs} ms, reads once" : "waits on the job token";

    private static async Task<RaceOutcome> RunJobAsync(HttpClient client, RaceClient kind, int index, RaceOptions options)
    {
        // Staggered like real traffic rather than one burst.
        await Task.Delay(TimeSpan.FromMilliseconds(index * 50));
        var started = Stopwatch.GetTimestamp();
        using var enqueued = await client.PostAsJsonAsync("/jobs", new { work_ms = options.WorkMs });
        if (enqueued.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /jobs got {(int)enqueued.StatusCode}: {await enqueued.Content.ReadAsStringAsync()}");
        }

        var location = enqueued.Headers.Location ?? throw new InvalidOperationException("POST /jobs answered 202 without a Location");
        string status;
        if (kind == RaceClient.Sleeping)
        {
            await Task.Delay(options.SleepMs);
            status = await ReadStatusAsync(client, location.OriginalString);
        }
        else
        {
            do
            {
                status = await ReadStatusAsync(client, $"{location.OriginalString}?wait_ms=10000");
            }
            while (status is "queued" or "running");
        }

        return new RaceOutcome(kind, status, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<string> ReadStatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.GetProperty("status").GetString()!
            : throw new InvalidOperationException($"GET {path} got {(int)response.StatusCode}: {text}");
    }
}
