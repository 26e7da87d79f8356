using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.LoadGen;
using Gateway.LoadTests.Race;
using Gateway.Testing;

namespace Gateway.LoadTests.NoisyNeighbor;

/// <summary>
/// Issue 6's acceptance on real processes: tenants A, B and C enqueue jobs at half their rate while tenant D bursts at
/// ten times its rate. One DemoUpstream runs the jobs; one gateway in front makes <c>/jobs</c> an enqueue route with
/// per-tenant token buckets, and tenants come from HS256 tokens. The same processes alternate phases without D
/// (baseline) and with D (noisy) while A, B and C keep sending, so the comparison is paired on one machine. D must get 429s with valid Retry-After, and A, B and C
/// no rejections, an enqueue p99 close to the baseline's, and jobs that start within the SLO.
/// </summary>
internal static partial class NoisyNeighborScenario
{
    public const string NoisyTenant = "D";
    public static readonly IReadOnlyList<string> QuietTenants = ["A", "B", "C"];
    public static IEnumerable<string> Tenants => [.. QuietTenants, NoisyTenant];

    private const string Queue = "default";
    // Positions in each request's captured headers.
    public const int RetryAfterHeader = 0;
    public const int LocationHeader = 1;
    public const int BacklogHeader = 2;

    public static async Task<int> RunAsync(NoisyNeighborOptions options)
    {
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        Console.Error.WriteLine($"noisy-neighbor: starting DemoUpstream ({options.Workers} job workers) and the gateway …");
        await using var upstream = await ServerProcess.StartDemoUpstreamAsync(
            "--DemoUpstream:ServiceName=jobs", $"--DemoUpstream:Jobs:Concurrency={options.Workers}");
        using var config = GatewayConfig(options, upstream.BaseAddress, key);
        await using var gateway = await ServerProcess.StartGatewayAsync("--config", config.Write());

        var tokens = Tenants.ToDictionary(t => t, t => HmacToken.Sign(key, new Dictionary<string, object>
        {
            ["sub"] = $"noisy-neighbor-{t}",
            ["tenant"] = t,
            ["exp"] = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds(),
        }));
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, int> { ["work_ms"] = options.WorkMs });
        var jobsUrl = new Uri(gateway.BaseAddress, "/jobs");

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"noisy-neighbor: warm-up {options.WarmUpSeconds} s, then {string.Join(", ", options.Order)} phases of {options.Seconds} s; A, B, C at {options.QuietRatePerSecond:0.##}/s each, D at {options.NoisyRatePerSecond:0.##}/s when noisy …"));
        using var generator = new LoadGenerator();
        using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var sampler = new QueueAgeSampler(scraper, upstream.BaseAddress, Queue, TimeProvider.System);
        using var stopSampling = new CancellationTokenSource();
        var sampling = sampler.RunAsync(stopSampling.Token);
        var tenants = Tenants.ToArray();
        var results = await Task.WhenAll(tenants.Select((tenant, i) =>
            generator.RunAsync(Plan(options, tenant, tokens[tenant], body, options.Seed + i), [new LoadTarget(tenant, [jobsUrl])])));
        await stopSampling.CancelAsync();
        await sampling;
        var requests = tenants.Zip(results).ToDictionary(p => p.First, p => p.Second.Targets[0].Requests);

        // Right after the burst D's bucket is empty: a client told to wait Retry-After should then be let in.
        Console.Error.WriteLine($"noisy-neighbor: {options.PatientClients} patient D clients …");
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var patient = new List<PatientOutcome>();
        for (var i = 0; i < options.PatientClients; i++)
        {
            patient.Add(await PatientClientAsync(client, tokens[NoisyTenant], body, options.Burst + 50));
        }

        Console.Error.WriteLine("noisy-neighbor: reading the job documents …");
        var startWaits = await StartWaitsAsync(scraper, upstream.BaseAddress, options, requests);

        var report = NoisyNeighborReport.Build(options, requests, startWaits, sampler.Samples, patient);
        report.Write(Console.Out);
        Directory.CreateDirectory(options.OutputDirectory);
        var stem = Path.Combine(options.OutputDirectory, "noisy-neighbor");
        using (var markdown = new StreamWriter(stem + ".md"))
        {
            report.Write(markdown);
        }

        await File.WriteAllTextAsync(stem + ".json", report.ToJson());
        Console.WriteLine($"Written: {stem}.md, {stem}.json");
        return report.Passed ? 0 : 1;
    }

    private static GatewayConfigFile GatewayConfig(NoisyNeighborOptions options, Uri upstream, string key)
    {
        // The job route keeps its /jobs prefix (DemoUpstream serves /jobs). A fixed concurrency limit, since the jobs
        // API reports no slots for the gate to learn from.
        var config = new GatewayConfigFile()
            .AddCluster("jobs", "ConcurrencyAware", [upstream], metadata: new Dictionary<string, string> { ["Gateway.ConcurrencyLimit"] = "64" }, routeId: "jobs")
            .Set("ReverseProxy:Routes:jobs:Match:Path", JsonValue.Create("/jobs/{**rest}"))
            .Set("ReverseProxy:Routes:jobs:Metadata:Gateway.Enqueue", JsonValue.Create("true"))
            .Set("Gateway:Authentication:HmacKey", JsonValue.Create(key))
            .Set("Gateway:Timing:AccessLog", JsonValue.Create(false))
            // The jobs' class carries the scenario's SLO, so backlog backpressure acts on the SLO the report checks.
            .Set("Gateway:Admission:Classes:default:Slo", JsonValue.Create(TimeSpan.FromMilliseconds(options.SloMs).ToString("c", CultureInfo.InvariantCulture)));
        foreach (var tenant in Tenants)
        {
            config
                .Set($"Gateway:Admission:Tenants:{tenant}:RatePerSecond", JsonValue.Create(options.RatePerSecond))
                .Set($"Gateway:Admission:Tenants:{tenant}:Burst", JsonValue.Create(options.Burst))
                .Set($"Gateway:Admission:Tenants:{tenant}:MaxConcurrency", JsonValue.Create(50));
        }

        return config;
    }

    /// <summary>
    /// One tenant's schedule over the whole run. A, B and C send at their share throughout; D sends at the same share
    /// in the warm-up (so its 429 path is warm too), nothing in baseline phases (its bucket refills), and its burst in
    /// noisy ones.
    /// </summary>
    private static LoadPlan Plan(NoisyNeighborOptions options, string tenant, string token, byte[] body, int seed)
    {
        var quiet = options.QuietRatePerSecond;
        var phase = TimeSpan.FromSeconds(options.Seconds);
        var noisy = tenant == NoisyTenant;
        var phases = new List<LoadPhase>();
        if (options.WarmUpSeconds > 0)
        {
            phases.Add(LoadPhase.Steady(quiet, TimeSpan.FromSeconds(options.WarmUpSeconds)));
        }

        foreach (var kind in options.Order)
        {
            phases.Add(LoadPhase.Steady(!noisy ? quiet : kind == NoisyNeighborPhase.Noisy ? options.NoisyRatePerSecond : 0, phase));
        }

        var expected = phases.Sum(p => p.ExpectedArrivals);
        return new LoadPlan
        {
            Phases = phases,
            MaxRequests = (int)Math.Ceiling((expected * 1.5) + 100),
            MaxDuration = TimeSpan.FromSeconds(options.WarmUpSeconds + (options.Order.Count * options.Seconds) + 60),
            Seed = seed,
            Method = HttpMethod.Post,
            Body = body,
            Headers = [new("Authorization", $"Bearer {token}")],
            CaptureHeaders = ["Retry-After", "Location", "endpoint-load-metrics"],
            RequestTimeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>A Retry-After the client can act on: whole seconds (the delta form), at least 1.</summary>
    public static bool IsValidRetryAfter(string? value) =>
        value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds >= 1;

    public static double? BacklogAgeMs(string? loadMetrics) =>
        loadMetrics is not null && TenantBacklogAge().Match(loadMetrics) is { Success: true } match
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"named_metrics\.tenant_backlog_age_ms=([0-9]+(?:\.[0-9]+)?)")]
    private static partial Regex TenantBacklogAge();

    /// <summary>Enqueues until refused (at most <paramref name="maxTries"/> times), waits the Retry-After, tries once more.</summary>
    private static async Task<PatientOutcome> PatientClientAsync(HttpClient client, string token, byte[] body, int maxTries)
    {
        for (var i = 0; i < maxTries; i++)
        {
            using var refused = await PostAsync(client, token, body);
            if (refused.StatusCode != HttpStatusCode.TooManyRequests)
            {
                continue;
            }

            var retryAfter = refused.Headers.RetryAfter?.Delta;
            if (retryAfter is null)
            {
                return new PatientOutcome(null, null);
            }

            await Task.Delay(retryAfter.Value);
            using var retried = await PostAsync(client, token, body);
            return new PatientOutcome(retryAfter.Value.TotalSeconds, (int)retried.StatusCode);
        }

        return new PatientOutcome(null, null);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string token, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Each accepted job's wait to start, <c>first_attempt_at − visible_at</c> in ms, read from DemoUpstream directly
    /// (the gateway's job route is an enqueue route, and reading would spend the tenant's tokens). Long-polls, so
    /// jobs still queued are waited for; one never started counts its age so far.
    /// </summary>
    private static async Task<Dictionary<(string Tenant, NoisyNeighborPhase Phase), List<double>>> StartWaitsAsync(
        HttpClient client, Uri upstream, NoisyNeighborOptions options, IReadOnlyDictionary<string, IReadOnlyList<RequestRecord>> requests)
    {
        var jobs = requests
            .SelectMany(pair => pair.Value
                .Where(r => r.Status == 202 && r.Captured[LocationHeader] is not null)
                .Select(r => (Tenant: pair.Key, Phase: options.PhaseAt(r.ScheduledMs / 1000), Location: r.Captured[LocationHeader]!)))
            .Where(j => j.Phase != NoisyNeighborPhase.WarmUp)
            .ToList();
        var waits = new Dictionary<(string, NoisyNeighborPhase), List<double>>();
        var sync = new Lock();
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (job, cancellation) =>
        {
            var text = await client.GetStringAsync(new Uri(upstream, $"{job.Location}?wait_ms=10000"), cancellation);
            var document = JsonDocument.Parse(text).RootElement;
            var visible = DateTimeOffset.Parse(document.GetProperty("visible_at").GetString()!, CultureInfo.InvariantCulture);
            var started = document.GetProperty("first_attempt_at").GetString() is { } first
                ? DateTimeOffset.Parse(first, CultureInfo.InvariantCulture)
                : DateTimeOffset.UtcNow;
            lock (sync)
            {
                var key = (job.Tenant, job.Phase);
                if (!waits.TryGetValue(key, out var list))
                {
                    waits[key] = list = [];
                }

                list.Add(Math.Max(0, (started - visible).TotalMilliseconds));
            }
        });
        return waits;
    }
}
