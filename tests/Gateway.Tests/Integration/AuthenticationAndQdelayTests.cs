using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Authentication;
using Gateway.Tests.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Tests.Integration;

/// <summary>
/// JWT validation and the qdelay it carries, through the gateway on real Kestrel to an upstream that echoes
/// the headers it received. The catch-all route allows anonymous callers; <c>/secure/**</c> requires a token.
/// </summary>
public sealed class AuthenticationAndQdelayTests : IAsyncLifetime
{
    private HeaderEchoUpstream _upstream = null!;
    private readonly HttpClient _client = new(new SocketsHttpHandler { ActivityHeadersPropagator = null });
    private readonly List<GatewayConfigFile> _configs = [];

    public async Task InitializeAsync() => _upstream = await HeaderEchoUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _upstream.DisposeAsync();
        _configs.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task TokenWithQdelayMilliseconds_SendsQdelayBaggageFirstAndKeepsTheCallersMembers()
    {
        await using var gateway = await StartAsync();

        var received = await SendAsync(gateway, "/x", Claims(("qdelay", 1500)), ("baggage", "userId=alice"));

        Assert.Equal("qdelay.ms=1500,userId=alice", received.Single("baggage"));
    }

    [Fact]
    public async Task TokenWithQdelayObject_SendsJitterAndPerServiceEntries()
    {
        await using var gateway = await StartAsync();
        var qdelay = JsonSerializer.SerializeToElement(new { ms = 500, jitter_ms = 200, services = new { billing = 2000, audit = 0 } });

        var received = await SendAsync(gateway, "/x", Claims(("qdelay", qdelay)));

        Assert.Equal("qdelay.ms=500,qdelay.jitter_ms=200,qdelay.svc.audit=0,qdelay.svc.billing=2000", received.Single("baggage"));
    }

    [Fact]
    public async Task NoToken_ForgedQdelayInBaggageAndHeaderIsStrippedAndCounted()
    {
        await using var gateway = await StartAsync();

        var received = await SendAsync(gateway, "/x", token: null, ("baggage", "qdelay.ms=5000,QDELAY.svc.demo=9,keep=1"), ("X-Qdelay", "5000"));

        Assert.Equal("keep=1", received.Single("baggage"));
        Assert.False(received.Has("x-qdelay"));
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_qdelay_stripped_total", ("source", "baggage")));
        Assert.Equal(1, metrics.Value("gateway_qdelay_stripped_total", ("source", "header")));
    }

    [Fact]
    public async Task TokenWithQdelay_CallersBaggageCopyNeverOverridesIt()
    {
        await using var gateway = await StartAsync();

        var received = await SendAsync(gateway, "/x", Claims(("qdelay", 1500)), ("baggage", "qdelay.ms=1,qdelay.svc.billing=1"));

        Assert.Equal("qdelay.ms=1500", received.Single("baggage"));
    }

    [Fact]
    public async Task TokenWithoutQdelay_SendsNoDelay()
    {
        await using var gateway = await StartAsync();

        var received = await SendAsync(gateway, "/x", Claims(("sub", "alice")), ("baggage", "qdelay.ms=5000"));

        Assert.False(received.Has("baggage"));
    }

    [Theory]
    [InlineData("-1", "must not be negative")]
    [InlineData("1.5", "whole number")]
    [InlineData("\"soon\"", "whole number")]
    [InlineData("{\"ms\":100,\"jitter\":5}", "unknown field 'jitter'")]
    [InlineData("{\"services\":{\"bad name\":5}}", "invalid service name")]
    [InlineData("900001", "at most 900000 ms")]
    [InlineData("{\"ms\":899000,\"jitter_ms\":2000}", "at most 900000 ms")]
    public async Task BadQdelayClaim_Gets400ProblemNamingTheField(string claimJson, string expectedInDetail)
    {
        await using var gateway = await StartAsync();

        using var response = await SendRawAsync(gateway, "/x", Claims(("qdelay", JsonSerializer.Deserialize<JsonElement>(claimJson))));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_qdelay");
        Assert.Contains(expectedInDetail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task QdelayAboveMaximumWithClamp_IsLoweredToTheMaximumAndCounted()
    {
        await using var gateway = await StartAsync(config => config
            .Set("Gateway:Qdelay:MaxMs", JsonValue.Create(10_000))
            .Set("Gateway:Qdelay:AboveMax", JsonValue.Create("Clamp")));
        var qdelay = JsonSerializer.SerializeToElement(new { ms = 60_000, jitter_ms = 1000, services = new { billing = 5000 } });

        var received = await SendAsync(gateway, "/x", Claims(("qdelay", qdelay)));

        Assert.Equal("qdelay.ms=9000,qdelay.jitter_ms=1000,qdelay.svc.billing=5000", received.Single("baggage"));
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_qdelay_requests_total", ("source", "token"), ("outcome", "clamped")));
    }

    [Theory]
    [InlineData("/x")]
    [InlineData("/secure/x")]
    public async Task TokenWithWrongSignature_Gets401InvalidTokenOnEveryRoute(string path)
    {
        await using var gateway = await StartAsync();
        var forged = TestTokens.Hs256(Claims(("qdelay", 1500)), key: "another-secret-that-is-also-32-bytes-long");

        using var response = await SendRawAsync(gateway, path, forged);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task ExpiredToken_Gets401ExpiredToken()
    {
        await using var gateway = await StartAsync();
        var expired = TestTokens.Hs256(Claims(("qdelay", 1500)), expires: DateTime.UtcNow.AddMinutes(-5));

        using var response = await SendRawAsync(gateway, "/x", expired);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "expired_token");
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_auth_rejected_total", ("reason", "expired_token")));
    }

    [Fact]
    public async Task UnsignedToken_Gets401InvalidToken()
    {
        await using var gateway = await StartAsync();

        using var response = await SendRawAsync(gateway, "/x", TestTokens.Unsigned(Claims(("qdelay", 1500))));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task RouteRequiringAuthentication_Gets401WithoutATokenAnd200WithOne()
    {
        await using var gateway = await StartAsync();

        using var anonymous = await SendRawAsync(gateway, "/secure/x", token: null);
        var received = await SendAsync(gateway, "/secure/x", Claims(("sub", "alice")));

        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "missing_token");
        Assert.NotNull(received.Single("authorization"));
    }

    [Fact]
    public async Task TenantHeader_ComesOnlyFromTheTokensTenantClaim()
    {
        await using var gateway = await StartAsync();

        var anonymous = await SendAsync(gateway, "/x", token: null, ("X-Tenant-Id", "spoofed"));
        var authenticated = await SendAsync(gateway, "/x", Claims(("tenant", "acme")), ("X-Tenant-Id", "spoofed"));

        Assert.False(anonymous.Has("x-tenant-id"));
        Assert.Equal("acme", authenticated.Single("x-tenant-id"));
    }

    [Fact]
    public async Task Rs256FromPemAndJwksFiles_AcceptsTheirKeysAndRejectsOthers()
    {
        using var pemKey = RSA.Create(2048);
        using var jwksKey = RSA.Create(2048);
        using var strangerKey = RSA.Create(2048);
        var pemFile = Path.GetTempFileName();
        var jwksFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(pemFile, pemKey.ExportSubjectPublicKeyInfoPem());
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(jwksKey.ExportParameters(false)) { KeyId = "k1" });
            await File.WriteAllTextAsync(jwksFile, JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = "k1", use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } }));
            await using var gateway = await StartAsync(config => config
                .Set("Gateway:Authentication:HmacKey", JsonValue.Create(""))
                .Set("Gateway:Authentication:RsaPublicKeyFile", JsonValue.Create(pemFile))
                .Set("Gateway:Authentication:JwksFile", JsonValue.Create(jwksFile)));

            var viaPem = await SendAsync(gateway, "/x", TestTokens.Rs256(Claims(("qdelay", 100)), pemKey));
            var viaJwks = await SendAsync(gateway, "/x", TestTokens.Rs256(Claims(("qdelay", 200)), jwksKey, keyId: "k1"));
            using var stranger = await SendRawAsync(gateway, "/x", TestTokens.Rs256(Claims(("qdelay", 300)), strangerKey));

            Assert.Equal("qdelay.ms=100", viaPem.Single("baggage"));
            Assert.Equal("qdelay.ms=200", viaJwks.Single("baggage"));
            await AssertProblemAsync(stranger, HttpStatusCode.Unauthorized, "invalid_token");
        }
        finally
        {
            File.Delete(pemFile);
            File.Delete(jwksFile);
        }
    }

    [Fact]
    public async Task DevelopmentHeader_AppliesOnlyInDevelopmentWhenAllowed()
    {
        await using var gateway = await StartAsync(config => config.Set("Gateway:Qdelay:AllowDevelopmentHeader", JsonValue.Create(true)), "Development");

        var received = await SendAsync(gateway, "/x", token: null, ("X-Qdelay", "{\"ms\":700}"));

        Assert.Equal("qdelay.ms=700", received.Single("baggage"));
        Assert.False(received.Has("x-qdelay"));
    }

    [Fact]
    public async Task DevelopmentHeaderAllowedOutsideDevelopment_StopsStartUpNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartAsync(config => config.Set("Gateway:Qdelay:AllowDevelopmentHeader", JsonValue.Create(true))));

        Assert.Contains("Gateway:Qdelay:AllowDevelopmentHeader", error.Message);
    }

    [Fact]
    public async Task NoSigningKey_PassesAuthorizationThroughAndAppliesNoDelay()
    {
        using var config = new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, [_upstream.Address]);
        await using var gateway = await InProcessGateway.StartAsync(config.Write());
        var token = TestTokens.Hs256(Claims(("qdelay", 1500), ("tenant", "acme")));

        var received = await SendAsync(gateway, "/x", token);

        Assert.Equal($"Bearer {token}", received.Single("authorization"));
        Assert.False(received.Has("baggage"));
        Assert.False(received.Has("x-tenant-id"));
    }

    [Fact]
    public async Task RefusedRequests_AreLoggedWithTheirReason()
    {
        var logs = new CapturingLoggerProvider();
        await using var gateway = await StartAsync(config => config.Set("Gateway:Timing:AccessLogOutput", JsonValue.Create("Logger")), logs: logs);

        (await SendRawAsync(gateway, "/x", TestTokens.Hs256(Claims(), key: "another-secret-that-is-also-32-bytes-long"))).Dispose();
        (await SendRawAsync(gateway, "/x", Claims(("qdelay", -1)))).Dispose();

        var outcomes = logs.Entries.Where(e => e.Category == "Gateway.AccessLog").Select(e => (e.Fields["Status"], e.Fields["Outcome"])).ToList();
        Assert.Equal([(401, "invalid_token"), (400, "invalid_qdelay")], outcomes.Select(o => ((int)o.Item1!, (string)o.Item2!)));
    }

    [Fact]
    public async Task ApiKey_ActsForItsTenantAndIsNeverSentUpstream()
    {
        await using var gateway = await StartAsync(WithApiKey("acme", "key-of-acme-0123456789"));

        var received = await SendAsync(gateway, "/secure/x", token: null, ("X-Api-Key", "key-of-acme-0123456789"), ("X-Tenant-Id", "spoofed"));

        Assert.Equal("acme", received.Single("x-tenant-id"));
        Assert.False(received.Has("x-api-key"));
    }

    [Theory]
    [InlineData("/x")]
    [InlineData("/secure/x")]
    public async Task UnknownApiKey_Gets401InvalidApiKeyOnEveryRoute(string path)
    {
        await using var gateway = await StartAsync(WithApiKey("acme", "key-of-acme-0123456789"));

        using var response = await SendRawAsync(gateway, path, token: null, ("X-Api-Key", "guessed-key"));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "invalid_api_key");
        var metrics = await Exposition.ScrapeAsync(_client, gateway.BaseAddress);
        Assert.Equal(1, metrics.Value("gateway_auth_rejected_total", ("reason", "invalid_api_key")));
    }

    [Fact]
    public async Task ApiKeysOnly_RouteRequiringAuthenticationRefusesNoCredentialAndAcceptsAKey()
    {
        await using var gateway = await StartAsync(config =>
        {
            config.Set("Gateway:Authentication:HmacKey", JsonValue.Create(""));
            WithApiKey("acme", "key-of-acme-0123456789")(config);
        });

        using var missing = await SendRawAsync(gateway, "/secure/x", token: null);
        var received = await SendAsync(gateway, "/secure/x", token: null, ("X-Api-Key", "key-of-acme-0123456789"));

        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "missing_token");
        Assert.Equal("acme", received.Single("x-tenant-id"));
    }

    [Fact]
    public async Task AuthenticationOff_AspNetCoresAuthorizationMiddlewareDoesNotRun()
    {
        // Off, no route may require a policy, so the middleware would only cost every request (and every waiting one) its state.
        var probe = new AuthorizationProbe();
        using var config = new GatewayConfigFile()
            .AddCluster("test", GatewayPolicies.ConcurrencyAware, [_upstream.Address])
            .Set("ReverseProxy:Routes:demo:AuthorizationPolicy", JsonValue.Create("anonymous"));
        await using var gateway = await InProcessGateway.StartAsync(config.Write(), services: probe.Register);

        using var response = await SendRawAsync(gateway, "/x", token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([false], probe.Ran);
    }

    [Fact]
    public async Task AuthenticationOn_AspNetCoresAuthorizationMiddlewareRunsAndRoutePoliciesHold()
    {
        var probe = new AuthorizationProbe();
        await using var gateway = await StartAsync(services: probe.Register);

        using var open = await SendRawAsync(gateway, "/x", token: null);
        using var secured = await SendRawAsync(gateway, "/secure/x", token: null);

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, secured.StatusCode);
        Assert.Equal([true], probe.Ran);
    }

    private static Action<GatewayConfigFile> WithApiKey(string tenant, string key) => config => config
        .AddApiKey(key, tenant);

    private static Dictionary<string, object> Claims(params (string Name, object Value)[] claims) => claims.ToDictionary(c => c.Name, c => c.Value);

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        return problem;
    }

    private async Task<InProcessServer> StartAsync(
        Action<GatewayConfigFile>? configure = null, string environment = "Production", CapturingLoggerProvider? logs = null,
        Action<IServiceCollection>? services = null)
    {
        var config = new GatewayConfigFile()
            .AddCluster("test", GatewayPolicies.ConcurrencyAware, [_upstream.Address])
            .AddCluster("secure", GatewayPolicies.ConcurrencyAware, [_upstream.Address], pathPrefix: "secure")
            .Set("ReverseProxy:Routes:secure:AuthorizationPolicy", JsonValue.Create("default"))
            .Set("Gateway:Authentication:HmacKey", JsonValue.Create(TestTokens.HmacKey));
        configure?.Invoke(config);
        _configs.Add(config); // Kept until the class is done: the gateway reloads when its file changes or goes.
        return await InProcessGateway.StartAsync(config.Write(), logs, environment, services);
    }

    private Task<HttpResponseMessage> SendRawAsync(InProcessServer gateway, string path, string? token, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value));
        }

        return _client.SendAsync(request);
    }

    private Task<HttpResponseMessage> SendRawAsync(InProcessServer gateway, string path, Dictionary<string, object> claims) =>
        SendRawAsync(gateway, path, TestTokens.Hs256(claims));

    private async Task<ReceivedHeaders> SendAsync(InProcessServer gateway, string path, Dictionary<string, object> claims, params (string Name, string Value)[] headers) =>
        await SendAsync(gateway, path, TestTokens.Hs256(claims), headers);

    private async Task<ReceivedHeaders> SendAsync(InProcessServer gateway, string path, string? token, params (string Name, string Value)[] headers)
    {
        using var response = await SendRawAsync(gateway, path, token, headers);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Expected success through the gateway, got {(int)response.StatusCode}: {body}");
        return new ReceivedHeaders(JsonSerializer.Deserialize<Dictionary<string, string?[]>>(body)!);
    }

    /// <summary>A transform on each upstream request that notes whether ASP.NET Core's authorization middleware marked its items.</summary>
    private sealed class AuthorizationProbe : ITransformProvider
    {
        private readonly ConcurrentQueue<bool> _ran = new();

        public IReadOnlyList<bool> Ran => [.. _ran];

        public void Register(IServiceCollection services) => services.AddSingleton<ITransformProvider>(this);

        public void ValidateRoute(TransformRouteValidationContext context)
        {
        }

        public void ValidateCluster(TransformClusterValidationContext context)
        {
        }

        public void Apply(TransformBuilderContext context) => context.AddRequestTransform(request =>
        {
            _ran.Enqueue(request.HttpContext.Items.Keys.OfType<string>().Any(key => key.Contains("Authorization", StringComparison.Ordinal)));
            return ValueTask.CompletedTask;
        });
    }
}
