using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>
/// Checks <c>Gateway:Authentication</c>, including that the key files load and that routes requiring authentication
/// have a key to check tokens with.
/// </summary>
internal sealed class AuthenticationOptionsValidator(IConfiguration configuration) : IValidateOptions<AuthenticationOptions>
{
    private const string Section = AuthenticationOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, AuthenticationOptions options)
    {
        var failures = new List<string>();
        ValidateAuthentication(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateAuthentication(AuthenticationOptions authentication, List<string> failures)
    {
        _ = SigningKeys.Load(authentication, failures);
        ValidateRemoteKeys(authentication, failures);
        if (authentication.ClockSkew < TimeSpan.Zero)
        {
            failures.Add($"{Section}:ClockSkew must not be negative, got {authentication.ClockSkew}.");
        }

        if (authentication.TokenCacheSize < 0)
        {
            failures.Add($"{Section}:TokenCacheSize must be 0 or more, got {authentication.TokenCacheSize}.");
        }

        if (string.IsNullOrWhiteSpace(authentication.TenantClaim))
        {
            failures.Add($"{Section}:TenantClaim must name a claim.");
        }

        if (string.IsNullOrWhiteSpace(authentication.ApiKeyHeader) || !authentication.ApiKeyHeader.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            failures.Add($"{Section}:ApiKeyHeader must be a header name (letters, digits, '-', '_'), got '{authentication.ApiKeyHeader}'.");
        }

        var hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < authentication.ApiKeys.Count; i++)
        {
            var key = authentication.ApiKeys[i];
            if (key.Sha256.Length != 64 || !key.Sha256.All(char.IsAsciiHexDigit))
            {
                failures.Add($"{Section}:ApiKeys:{i}:Sha256 must be the key's SHA-256 as 64 hex digits, got {key.Sha256.Length} characters.");
            }
            else if (!hashes.Add(key.Sha256))
            {
                failures.Add($"{Section}:ApiKeys:{i}:Sha256 repeats an earlier key.");
            }

            if (!Names.IsValid(key.Tenant))
            {
                failures.Add($"{Section}:ApiKeys:{i}:Tenant must be {Names.Rule}, got '{key.Tenant}'.");
            }
        }

        if (authentication.Enabled)
        {
            return;
        }

        foreach (var route in configuration.GetSection("ReverseProxy:Routes").GetChildren())
        {
            var key = $"{route.Path}:AuthorizationPolicy";
            if (configuration[key] is { Length: > 0 } policy && !policy.Equals("anonymous", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{key} '{policy}' requires authentication, but {Section} has no signing key (HmacKey, RsaPublicKeyFile, JwksFile, MetadataAddress or JwksUrl) and no ApiKeys.");
            }
        }
    }

    private static void ValidateRemoteKeys(AuthenticationOptions authentication, List<string> failures)
    {
        if (authentication.MetadataAddress is not null && authentication.JwksUrl is not null)
        {
            failures.Add($"{Section}:MetadataAddress and {Section}:JwksUrl are both set; set one: the discovery document names its own key set.");
        }

        foreach (var (key, address) in new[] { ("MetadataAddress", authentication.MetadataAddress), ("JwksUrl", authentication.JwksUrl) })
        {
            if (address is null)
            {
                continue;
            }

            if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{Section}:{key} must be an absolute http or https address, got '{address}'.");
            }
            else if (address.Scheme == Uri.UriSchemeHttp && authentication.RequireHttpsMetadata)
            {
                failures.Add($"{Section}:{key} must use https unless {Section}:RequireHttpsMetadata is false, got '{address}'.");
            }
        }

        if (authentication.KeyRefreshInterval < BaseConfigurationManager.MinimumAutomaticRefreshInterval)
        {
            failures.Add($"{Section}:KeyRefreshInterval must be at least {BaseConfigurationManager.MinimumAutomaticRefreshInterval}, got {authentication.KeyRefreshInterval}.");
        }

        if (authentication.KeyRefreshMinimumInterval < BaseConfigurationManager.MinimumRefreshInterval)
        {
            failures.Add($"{Section}:KeyRefreshMinimumInterval must be at least {BaseConfigurationManager.MinimumRefreshInterval}, got {authentication.KeyRefreshMinimumInterval}.");
        }
    }
}
