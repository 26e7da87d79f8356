using System.Security.Cryptography;
using System.Text;
using Gateway.Authentication;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Authentication;

public sealed class CachingTokenHandlerTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task ValidateTokenAsync_SameTokenAgain_ReturnsTheRememberedResult()
    {
        var handler = new CachingTokenHandler(capacity: 10, _time);
        var token = TestTokens.Hs256(new Dictionary<string, object> { ["qdelay"] = 5 });

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.Same(first, second);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_RememberedTokenPastItsExpiry_IsValidatedAgainAndRefused()
    {
        var handler = new CachingTokenHandler(capacity: 10, _time);
        var token = TestTokens.Hs256(new Dictionary<string, object> { ["qdelay"] = 5 }, expires: _time.GetUtcNow().UtcDateTime.AddMinutes(1));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var later = await handler.ValidateTokenAsync(token, Parameters());

        Assert.False(later.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(later.Exception);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_Failure_IsNeverRemembered()
    {
        var handler = new CachingTokenHandler(capacity: 10, _time);
        var forged = TestTokens.Hs256(new Dictionary<string, object>(), key: "a-different-key-that-is-32-bytes-long!!");

        Assert.False((await handler.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_MoreTokensThanCapacity_StaysBounded()
    {
        var handler = new CachingTokenHandler(capacity: 4, _time);

        for (var i = 0; i < 9; i++)
        {
            Assert.True((await handler.ValidateTokenAsync(TestTokens.Hs256(new Dictionary<string, object> { ["n"] = i }), Parameters())).IsValid);
        }

        Assert.InRange(handler.Count, 1, 4);
    }

    [Fact]
    public async Task ValidateTokenAsync_CapacityZero_RemembersNothing()
    {
        var handler = new CachingTokenHandler(capacity: 0, _time);
        var token = TestTokens.Hs256(new Dictionary<string, object>());

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(second.IsValid);
        Assert.NotSame(first, second);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_FetchedKeysReplacedWithoutTheTokensKey_ChecksTheRememberedTokenAgainAndRefusesIt()
    {
        var handler = new CachingTokenHandler(capacity: 10, _time);
        using var rsa = RSA.Create(2048);
        var token = TestTokens.Rs256(new Dictionary<string, object>(), rsa, keyId: "k1");
        var withKey = new OpenIdConnectConfiguration();
        withKey.SigningKeys.Add(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" });
        var rotated = new OpenIdConnectConfiguration();
        using var other = RSA.Create(2048);
        rotated.SigningKeys.Add(new RsaSecurityKey(other.ExportParameters(false)) { KeyId = "k2" });

        var before = await handler.ValidateTokenAsync(token, FetchedKeys(withKey));
        var sameKeys = await handler.ValidateTokenAsync(token, FetchedKeys(withKey));
        var after = await handler.ValidateTokenAsync(token, FetchedKeys(rotated));

        Assert.True(before.IsValid);
        Assert.Same(before, sameKeys);
        Assert.False(after.IsValid);
        Assert.IsType<SecurityTokenSignatureKeyNotFoundException>(after.Exception);
    }

    /// <summary>Keys as a configuration manager serves them after a fetch (no static key).</summary>
    private TokenValidationParameters FetchedKeys(OpenIdConnectConfiguration keys)
    {
        var parameters = Parameters();
        parameters.IssuerSigningKey = null;
        parameters.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(keys);
        return parameters;
    }

    /// <summary>As the gateway configures them, with the token's lifetime judged on the fake clock.</summary>
    private TokenValidationParameters Parameters() => new()
    {
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.HmacKey)),
        ValidateIssuer = false,
        ValidateAudience = false,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.Zero,
        LifetimeValidator = (notBefore, expires, _, _) => expires is { } exp && _time.GetUtcNow().UtcDateTime < exp
            ? true
            : throw new SecurityTokenExpiredException("expired on the fake clock"),
    };
}
