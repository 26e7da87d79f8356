using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Integration;

/// <summary>
/// A stand-in identity provider on real Kestrel on loopback: <c>/.well-known/openid-configuration</c> (issuer: its own
/// base address) and <c>/jwks</c> with the RSA keys it is told to publish. Keys can be rotated while it runs, and it can
/// be stopped to play an identity provider that is down.
/// </summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile IReadOnlyList<(string KeyId, RSA Key)> _published = [];
    private int _keySetRequests;
    private int _failuresLeft;
    private bool _stopped;

    private JwksServer(WebApplication app)
    {
        _app = app;
        BaseAddress = new Uri(app.Urls.First() + "/");
    }

    public Uri BaseAddress { get; }

    public Uri JwksUrl => new(BaseAddress, "jwks");

    public Uri MetadataAddress => new(BaseAddress, ".well-known/openid-configuration");

    /// <summary>The issuer the discovery document names.</summary>
    public string Issuer => BaseAddress.AbsoluteUri.TrimEnd('/');

    /// <summary>How many times <c>/jwks</c> was fetched.</summary>
    public int KeySetRequests => Volatile.Read(ref _keySetRequests);

    public static async Task<JwksServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        JwksServer? server = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new
        {
            issuer = server!.Issuer,
            jwks_uri = server.JwksUrl.AbsoluteUri,
            id_token_signing_alg_values_supported = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref server!._keySetRequests);
            return Interlocked.Decrement(ref server._failuresLeft) >= 0
                ? Results.StatusCode(StatusCodes.Status500InternalServerError)
                : Results.Json(new { keys = server._published.Select(k => Jwk(k.KeyId, k.Key)).ToArray() });
        });
        await app.StartAsync();
        server = new JwksServer(app);
        return server;
    }

    /// <summary>Replaces the published key set, as an identity provider does when it rotates keys.</summary>
    public void Publish(params (string KeyId, RSA Key)[] keys) => _published = keys;

    /// <summary>Answers the next <paramref name="count"/> key set requests with 500, as a provider having a bad moment.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    /// <summary>Stops listening: fetches get connection refused.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }

    private static object Jwk(string keyId, RSA key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false)));
        return new { kty = "RSA", kid = keyId, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E };
    }
}
