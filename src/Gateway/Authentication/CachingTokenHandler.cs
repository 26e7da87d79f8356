using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>
/// Validates JWTs with <see cref="JsonWebTokenHandler"/> and remembers the tokens that passed, until they expire, as
/// Envoy's <c>jwt_authn</c> does: a client sends the same token on every request, and parsing, signature checking and
/// claim building cost about a fifth of the gateway's throughput. A remembered token is still refused from its
/// <c>exp</c> on. Failures are never remembered. Key files are read once at start-up; keys fetched from a URL change
/// on refresh, so a token remembered under other fetched keys is checked again (a key the identity provider withdrew
/// stops working at the next refresh, not at the token's <c>exp</c>).
/// </summary>
internal sealed class CachingTokenHandler(int capacity, TimeProvider time) : TokenHandler
{
    private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, CachedToken> _validated = new(StringComparer.Ordinal);

    public int Count => _validated.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (_validated.TryGetValue(token, out var cached))
        {
            if (now < cached.ExpiresAt && ReferenceEquals(cached.Keys, await FetchedKeysAsync(validationParameters)))
            {
                return cached.Result;
            }

            _validated.TryRemove(token, out _);
        }

        var result = await _inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && capacity > 0 && result.SecurityToken.ValidTo > DateTime.MinValue)
        {
            if (_validated.Count >= capacity)
            {
                Evict(now);
            }

            // Expiry as the handler judged it: exp plus the allowed clock skew. The keys are read after validating, not
            // before, so a failing key endpoint is not asked twice per token.
            var expiresAt = new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero) + validationParameters.ClockSkew;
            _validated[token] = new CachedToken(result, expiresAt, await FetchedKeysAsync(validationParameters));
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => _inner.ReadToken(token);

    /// <summary>Drops expired entries; if the cache is still full of live ones, starts over rather than grow.</summary>
    private void Evict(DateTimeOffset now)
    {
        foreach (var (token, entry) in _validated)
        {
            if (entry.ExpiresAt <= now)
            {
                _validated.TryRemove(token, out _);
            }
        }

        if (_validated.Count >= capacity)
        {
            _validated.Clear();
        }
    }

    /// <summary>
    /// The fetched keys now in force (a field read while they are fresh), or null without a URL or before the first
    /// fetch succeeded. A new object after every refresh.
    /// </summary>
    private static async ValueTask<BaseConfiguration?> FetchedKeysAsync(TokenValidationParameters validationParameters)
    {
        if (validationParameters.ConfigurationManager is not { } manager)
        {
            return null;
        }

        try
        {
            return await manager.GetBaseConfigurationAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private sealed record CachedToken(TokenValidationResult Result, DateTimeOffset ExpiresAt, BaseConfiguration? Keys);
}
