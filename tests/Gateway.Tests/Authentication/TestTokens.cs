using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Authentication;

/// <summary>Signs test JWTs the way an identity provider would: HS256 with a shared key, or RS256.</summary>
internal static class TestTokens
{
    public const string HmacKey = "test-shared-secret-of-at-least-32-bytes!";

    public static string Hs256(IDictionary<string, object> claims, DateTime? expires = null, string key = HmacKey) =>
        Sign(claims, new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256), expires);

    public static string Rs256(IDictionary<string, object> claims, RSA rsa, string? keyId = null) =>
        Sign(claims, new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256), null);

    /// <summary>An unsigned token (<c>alg: none</c>) with the same claims: must never be accepted.</summary>
    public static string Unsigned(IDictionary<string, object> claims)
    {
        var header = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var payload = new Dictionary<string, object>(claims) { ["exp"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds() };
        return $"{header}.{Base64Url(System.Text.Json.JsonSerializer.Serialize(payload))}.";
    }

    private static string Sign(IDictionary<string, object> claims, SigningCredentials credentials, DateTime? expires)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Expires = expiry,
            IssuedAt = expiry.AddMinutes(-20),
            NotBefore = expiry.AddMinutes(-20),
            SigningCredentials = credentials,
        });
    }

    private static string Base64Url(string text) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(text));
}
