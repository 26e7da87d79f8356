using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Authentication;
using Gateway.Tests.Metrics;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Integration;

/// <summary>
/// JWT signing keys fetched from a URL (<c>Gateway:Authentication:JwksUrl</c> / <c>MetadataAddress</c>): the gateway on
/// real Kestrel, a stand-in identity provider on another loopback port, an upstream that echoes headers. Keys rotate
/// at the provider while the gateway runs, and the provider is stopped to play one that is down.
/// </summary>
public sealed class RemoteSigningKeysTests : IAsyncLifetime
{
    /// <summary>Generous: a refresh that retries a stopped endpoint ends after the key client's 10 s total timeout.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly HttpClient _client = new(new SocketsHttpHandler { ActivityHeadersPropagator = null });
    private readonly List<GatewayConfigFile> _configs = [];
    private readonly RSA _first = RSA.Create(2048);
    private readonly RSA _second = RSA.Create(2048);
    private HeaderEchoUpstream _upstream = null!;
    private JwksServer _keys = null!;

    public async Task InitializeAsync()
    {
        _upstream = await HeaderEchoUpstream.StartAsync();
        _keys = await JwksServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _keys.DisposeAsync();
        await _upstream.DisposeAsync();
        _configs.ForEach(c => c.Dispose());
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task JwksUrl_KeyRotatedAtTheProvider_NewKeyAcceptedAndWithdrawnKeyRefusedWithoutRestart()
    {
        _keys.Publish(("k1", _first));
        await using var gateway = await StartAsync(config => config.Set("Gateway:Authentication:JwksUrl", JsonValue.Create(_keys.JwksUrl.AbsoluteUri)));
        var before = TestTokens.Rs256(Claims(("tenant", "acme")), _first, keyId: "k1");
        var received = await SendAsync(gateway, before);
        Assert.Equal("acme", received.Single("x-tenant-id"));

        _keys.Publish(("k2", _second));
        var after = TestTokens.Rs256(Claims(("tenant", "globex")), _second, keyId: "k2");

        // The first token naming k2 asks for a refresh; the refresh runs in the background, so k2 works from then on.
        await Eventually.ValueAsync(() => StatusOfAsync(gateway, after), status => status == HttpStatusCode.OK, "a token signed with the new key is accepted", Patience);
        Assert.Equal("globex", (await SendAsync(gateway, after)).Single("x-tenant-id"));

        // k1 was withdrawn: even the token the gateway remembered as valid is checked again under the new keys.
        using var withdrawn = await SendRawAsync(gateway, "/x", before);
        await AssertProblemAsync(withdrawn, HttpStatusCode.Unauthorized, "invalid_token");
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.True(metrics.Value("gateway_signing_keys_fetches_total", ("outcome", "fetched")) >= 2);
    }

    [Fact]
    public async Task JwksUrl_TokenWithUnknownKid_Gets401ProblemJson()
    {
        _keys.Publish(("k1", _first));
        await using var gateway = await StartAsync(config => config.Set("Gateway:Authentication:JwksUrl", JsonValue.Create(_keys.JwksUrl.AbsoluteUri)));
        using var stranger = RSA.Create(2048);

        using var unknown = await SendRawAsync(gateway, "/x", TestTokens.Rs256(Claims(("tenant", "acme")), stranger, keyId: "k9"));
        using var forgedKid = await SendRawAsync(gateway, "/x", TestTokens.Rs256(Claims(("tenant", "acme")), stranger, keyId: "k1"));

        await AssertProblemAsync(unknown, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Contains("error=\"invalid_token\"", unknown.Headers.WwwAuthenticate.ToString());
        await AssertProblemAsync(forgedKid, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task JwksEndpointDown_KeysFetchedBeforeKeepValidating()
    {
        _keys.Publish(("k1", _first));
        await using var gateway = await StartAsync(config => config.Set("Gateway:Authentication:JwksUrl", JsonValue.Create(_keys.JwksUrl.AbsoluteUri)));
        await SendAsync(gateway, TestTokens.Rs256(Claims(("tenant", "acme")), _first, keyId: "k1"));

        await _keys.StopAsync();

        // An unknown kid makes the gateway refresh against the stopped endpoint; wait until that refresh has failed.
        using var stranger = RSA.Create(2048);
        (await SendRawAsync(gateway, "/x", TestTokens.Rs256(Claims(), stranger, keyId: "k9"))).Dispose();
        await Eventually.ValueAsync(
            async () => (await Exposition.ScrapeAsync(_client, gateway.BaseAddress)).Sum("gateway_signing_keys_fetches_total", ("outcome", "failed")),
            failed => failed > 0,
            "the gateway tried to refresh its keys from the stopped endpoint (a failed fetch is counted)",
            Patience);

        // New tokens (not remembered from before) still validate with the keys fetched before the outage.
        var received = await SendAsync(gateway, TestTokens.Rs256(Claims(("tenant", "initech")), _first, keyId: "k1"));
        Assert.Equal("initech", received.Single("x-tenant-id"));
    }

    [Fact]
    public async Task JwksUrl_ProviderAnswers500Once_TheFetchIsRetriedAndTheTokenAccepted()
    {
        _keys.Publish(("k1", _first));
        _keys.FailNext(1);
        await using var gateway = await StartAsync(config => config.Set("Gateway:Authentication:JwksUrl", JsonValue.Create(_keys.JwksUrl.AbsoluteUri)));

        var received = await SendAsync(gateway, TestTokens.Rs256(Claims(("tenant", "acme")), _first, keyId: "k1"));

        Assert.Equal("acme", received.Single("x-tenant-id"));
        Assert.Equal(2, _keys.KeySetRequests);
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_signing_keys_fetches_total", ("outcome", "fetched")));
        Assert.Equal(0, metrics.Sum("gateway_signing_keys_fetches_total", ("outcome", "failed")));
    }

    [Fact]
    public async Task MetadataAddress_KeysFromTheDiscoveredJwksUriAndItsIssuerRequired()
    {
        _keys.Publish(("k1", _first));
        await using var gateway = await StartAsync(config => config.Set("Gateway:Authentication:MetadataAddress", JsonValue.Create(_keys.MetadataAddress.AbsoluteUri)));

        var received = await SendAsync(gateway, TestTokens.Rs256(Claims(("iss", _keys.Issuer), ("tenant", "acme")), _first, keyId: "k1"), "/secure/x");
        using var otherIssuer = await SendRawAsync(gateway, "/x", TestTokens.Rs256(Claims(("iss", "https://elsewhere.example")), _first, keyId: "k1"));
        using var noToken = await SendRawAsync(gateway, "/secure/x", token: null);

        Assert.Equal("acme", received.Single("x-tenant-id"));
        await AssertProblemAsync(otherIssuer, HttpStatusCode.Unauthorized, "invalid_token");
        await AssertProblemAsync(noToken, HttpStatusCode.Unauthorized, "missing_token");
        Assert.True(_keys.KeySetRequests >= 1);
    }

    [Theory]
    [InlineData("JwksUrl", "http://127.0.0.1:9/jwks", null, "Gateway:Authentication:JwksUrl must use https unless Gateway:Authentication:RequireHttpsMetadata is false")]
    [InlineData("MetadataAddress", "idp/.well-known/openid-configuration", false, "Gateway:Authentication:MetadataAddress must be an absolute http or https address")]
    [InlineData("KeyRefreshInterval", "00:01:00", null, "Gateway:Authentication:KeyRefreshInterval must be at least 00:05:00")]
    [InlineData("KeyRefreshMinimumInterval", "00:00:00.100", null, "Gateway:Authentication:KeyRefreshMinimumInterval must be at least 00:00:01")]
    public async Task BadRemoteKeySetting_StopsStartUpNamingTheKey(string key, string value, bool? requireHttps, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(config =>
        {
            config.Set($"Gateway:Authentication:{key}", JsonValue.Create(value));
            if (requireHttps is { } require)
            {
                config.Set("Gateway:Authentication:RequireHttpsMetadata", JsonValue.Create(require));
            }
        }, requireHttps: null));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task MetadataAddressAndJwksUrl_StopsStartUpNamingBoth()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(config => config
            .Set("Gateway:Authentication:MetadataAddress", JsonValue.Create(_keys.MetadataAddress.AbsoluteUri))
            .Set("Gateway:Authentication:JwksUrl", JsonValue.Create(_keys.JwksUrl.AbsoluteUri))));

        Assert.Contains("Gateway:Authentication:MetadataAddress and Gateway:Authentication:JwksUrl are both set", error.Message);
    }

    private static Dictionary<string, object> Claims(params (string Name, object Value)[] claims) => claims.ToDictionary(c => c.Name, c => c.Value);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
    }

    /// <summary>
    /// The gateway with remote keys from <paramref name="configure"/>, plain-http key URLs allowed (loopback) unless
    /// <paramref name="requireHttps"/> is null, and unknown-kid refreshes allowed once a second.
    /// </summary>
    private async Task<InProcessServer> StartAsync(Action<GatewayConfigFile> configure, bool? requireHttps = false)
    {
        var config = new GatewayConfigFile()
            .AddCluster("test", GatewayPolicies.ConcurrencyAware, [_upstream.Address])
            .AddCluster("secure", GatewayPolicies.ConcurrencyAware, [_upstream.Address], pathPrefix: "secure")
            .Set("ReverseProxy:Routes:secure:AuthorizationPolicy", JsonValue.Create("default"))
            .Set("Gateway:Authentication:KeyRefreshMinimumInterval", JsonValue.Create("00:00:01"));
        if (requireHttps is { } require)
        {
            config.Set("Gateway:Authentication:RequireHttpsMetadata", JsonValue.Create(require));
        }

        configure(config);
        _configs.Add(config); // Kept until the class is done: the gateway reloads when its file changes or goes.
        return await InProcessGateway.StartAsync(config.Write());
    }

    private async Task<HttpStatusCode> StatusOfAsync(InProcessServer gateway, string token)
    {
        using var response = await SendRawAsync(gateway, "/x", token);
        return response.StatusCode;
    }

    private Task<HttpResponseMessage> SendRawAsync(InProcessServer gateway, string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return _client.SendAsync(request);
    }

    private async Task<ReceivedHeaders> SendAsync(InProcessServer gateway, string token, string path = "/x")
    {
        using var response = await SendRawAsync(gateway, path, token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Expected success through the gateway, got {(int)response.StatusCode}: {body}");
        return new ReceivedHeaders(JsonSerializer.Deserialize<Dictionary<string, string?[]>>(body)!);
    }
}
