using System.Text;
using Gateway.Context;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Context;

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
