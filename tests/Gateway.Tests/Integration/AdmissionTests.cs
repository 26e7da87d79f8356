using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Metrics;

namespace Gateway.Tests.Integration;

/// <summary>
/// Per-tenant admission on an enqueue route (<c>/jobs/**</c>, metadata <c>Gateway.Enqueue: true</c>) through the
/// gateway on real Kestrel. Tenants come from API keys; the catch-all route is not an enqueue route.
/// </summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private const string AcmeKey = "acme-key-0123456789";
    private const string GlobexKey = "globex-key-0123456789";

    private readonly HttpClient _client = new();
    private EchoGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await EchoGateway.StartAsync((config, upstream) => config
            .AddCluster("jobs", GatewayPolicies.ConcurrencyAware, [upstream], pathPrefix: "jobs")
            .Set("ReverseProxy:Routes:jobs:Metadata:Gateway.Enqueue", JsonValue.Create("true"))
            .AddApiKey(AcmeKey, "acme")
            .AddApiKey(GlobexKey, "globex")
            // Slow refills (4 s and 100 s a token), so a stall on a busy machine cannot refill a bucket mid-test.
            .Set("Gateway:Admission:Tenants:acme:RatePerSecond", JsonValue.Create(0.25))
            .Set("Gateway:Admission:Tenants:acme:Burst", JsonValue.Create(2))
            .Set("Gateway:Admission:Tiers:anonymous:RatePerSecond", JsonValue.Create(0.01))
            .Set("Gateway:Admission:Tiers:anonymous:Burst", JsonValue.Create(3)));

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task TenantOverItsBurst_Gets429NamingTheTenantWithRetryAfterAndRateLimitHeaders()
    {
        using var first = await EnqueueAsync(AcmeKey);
        using var second = await EnqueueAsync(AcmeKey);
        using var third = await EnqueueAsync(AcmeKey);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"tenant\";q=2;w=8", first.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Equal("\"tenant\";r=1;t=4", first.Headers.GetValues("RateLimit").Single());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await third.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("tenant_rate_limited", problem.GetProperty("reason").GetString());
        Assert.Equal("acme", problem.GetProperty("tenant").GetString());
        Assert.InRange(third.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 4);
        Assert.StartsWith("\"tenant\";r=0;t=", third.Headers.GetValues("RateLimit").Single());
        var metrics = await Exposition.ScrapeAsync(_client, _gateway.BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_admission_decisions_total", ("tenant", "acme"), ("outcome", "rejected"), ("reason", "tenant_rate_limited")));
        Assert.Equal(2, metrics.Value("gateway_admission_decisions_total", ("tenant", "acme"), ("outcome", "admitted"), ("reason", "none")));
    }

    [Fact]
    public async Task ClientThatWaitsTheRetryAfter_IsThenAdmitted()
    {
        (await EnqueueAsync(AcmeKey)).Dispose();
        (await EnqueueAsync(AcmeKey)).Dispose();
        using var refused = await EnqueueAsync(AcmeKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        await Task.Delay(refused.Headers.RetryAfter!.Delta!.Value);
        using var retried = await EnqueueAsync(AcmeKey);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    [Fact]
    public async Task OneTenantsBurst_LeavesOtherTenantsAndOtherRoutesAlone()
    {
        for (var i = 0; i < 5; i++)
        {
            (await EnqueueAsync(AcmeKey)).Dispose();
        }

        using var globex = await EnqueueAsync(GlobexKey);
        using var acmeElsewhere = await _client.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway.BaseAddress, "/orders")), AcmeKey));

        Assert.Equal(HttpStatusCode.OK, globex.StatusCode);
        Assert.Equal(HttpStatusCode.OK, acmeElsewhere.StatusCode);
        Assert.False(acmeElsewhere.Headers.Contains("RateLimit"));
    }

    [Fact]
    public async Task NoTenant_TakesTheAnonymousTier()
    {
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await _client.PostAsync(new Uri(_gateway.BaseAddress, "/jobs/x"), new StringContent("{}"));
            codes.Add(response.StatusCode);
        }

        // The anonymous tier's burst is 3 here.
        Assert.Equal(3, codes.Count(c => c == HttpStatusCode.OK));
        Assert.Equal(2, codes.Count(c => c == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task SpoofedTenantHeader_NeitherChangesTheBucketNorTheTenantNamed()
    {
        var codes = new List<HttpStatusCode>();
        JsonElement problem = default;
        for (var i = 0; i < 4; i++)
        {
            // Without credentials, claiming globex (whose bucket is full) must still spend the anonymous tier's burst of 3.
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gateway.BaseAddress, "/jobs/x")) { Content = new StringContent("{}") };
            request.Headers.Add("X-Tenant-Id", "globex");
            using var response = await _client.SendAsync(request);
            codes.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal("anonymous", problem.GetProperty("tenant").GetString());
        using var globex = await EnqueueAsync(GlobexKey);
        Assert.Equal(HttpStatusCode.OK, globex.StatusCode);
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Add("X-Api-Key", key);
        return request;
    }

    private Task<HttpResponseMessage> EnqueueAsync(string key) =>
        _client.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Post, new Uri(_gateway.BaseAddress, "/jobs/x")) { Content = new StringContent("{}") }, key));
}
