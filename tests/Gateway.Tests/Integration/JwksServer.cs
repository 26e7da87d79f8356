using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
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
    private volatile IReadOnlyList<(string KeyId, RSA Key)> _published = [];
    private int _keySetRequests;
    private int _failuresLeft;
    private InProcessServer? _server;

    private JwksServer()
    {
    }

    public Uri BaseAddress => Server.BaseAddress;

    public Uri JwksUrl => new(BaseAddress, "jwks");

    public Uri MetadataAddress => new(BaseAddress, ".well-known/openid-configuration");

    /// <summary>The issuer the discovery document names.</summary>
    public string Issuer => BaseAddress.AbsoluteUri.TrimEnd('/');

    /// <summary>How many times <c>/jwks</c> was fetched.</summary>
    public int KeySetRequests => Volatile.Read(ref _keySetRequests);

    private InProcessServer Server => _server ?? throw new InvalidOperationException("not started");

    public static async Task<JwksServer> StartAsync()
    {
        var server = new JwksServer();
        server._server = await InProcessServer.StartAsync(app =>
        {
            app.MapGet("/.well-known/openid-configuration", server.Discovery);
            app.MapGet("/jwks", server.KeySet);
        });
        return server;
    }

    /// <summary>Replaces the published key set, as an identity provider does when it rotates keys.</summary>
    public void Publish(params (string KeyId, RSA Key)[] keys) => _published = keys;

    /// <summary>Answers the next <paramref name="count"/> key set requests with 500, as a provider having a bad moment.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    /// <summary>Stops listening: fetches get connection refused.</summary>
    public Task StopAsync() => Server.StopAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private IResult Discovery() => Results.Json(new
    {
        issuer = Issuer,
        jwks_uri = JwksUrl.AbsoluteUri,
        id_token_signing_alg_values_supported = new[] { "RS256" },
    });

    private IResult KeySet()
    {
        Interlocked.Increment(ref _keySetRequests);
        return Interlocked.Decrement(ref _failuresLeft) >= 0
            ? Results.StatusCode(StatusCodes.Status500InternalServerError)
            : Results.Json(new { keys = _published.Select(k => Jwk(k.KeyId, k.Key)).ToArray() });
    }

    private static object Jwk(string keyId, RSA key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false)));
        return new { kty = "RSA", kid = keyId, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E };
    }
}
