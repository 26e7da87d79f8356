namespace Gateway.Configuration;

/// <summary>
/// The <c>Gateway:Authentication</c> section: JWT bearer tokens and API keys, validated by the gateway. Authentication
/// is on when a signing key (<see cref="HmacKey"/>, <see cref="RsaPublicKeyFile"/> or <see cref="JwksFile"/>) or an
/// API key is configured; without either, the gateway ignores credentials and passes <c>Authorization</c> through.
/// </summary>
public sealed class AuthenticationOptions
{
    /// <summary>Shared secret for HS256, as text (at least 32 bytes of UTF-8). Default none.</summary>
    public string? HmacKey { get; set; }

    /// <summary>PEM file holding an RSA public key for RS256. Relative paths are from the working directory. Default none.</summary>
    public string? RsaPublicKeyFile { get; set; }

    /// <summary>JSON Web Key Set file (RFC 7517) with the RS256 or HS256 keys. Relative paths are from the working directory. Default none.</summary>
    public string? JwksFile { get; set; }

    /// <summary>Required <c>iss</c>, when set. Default: not checked.</summary>
    public string? Issuer { get; set; }

    /// <summary>Required <c>aud</c>, when set. Default: not checked.</summary>
    public string? Audience { get; set; }

    /// <summary>Allowed clock difference for <c>exp</c> and <c>nbf</c>. Default 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The claim naming the caller's tenant, sent upstream as <c>X-Tenant-Id</c>. Default <c>tenant</c>.</summary>
    public string TenantClaim { get; set; } = "tenant";

    /// <summary>
    /// Validated tokens remembered until they expire, so a client's repeated token is checked once. 0 turns the cache
    /// off. Default 10000.
    /// </summary>
    public int TokenCacheSize { get; set; } = 10_000;

    /// <summary>The request header carrying an API key. Default <c>X-Api-Key</c>; never sent upstream.</summary>
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>
    /// API keys, each mapped to a tenant. Keys are stored as the SHA-256 of the key (hex), so the configuration holds
    /// no secret: <c>printf %s "$KEY" | sha256sum</c>. Default none.
    /// </summary>
    public IList<ApiKeyOptions> ApiKeys { get; set; } = [];

    internal bool HasSigningKey =>
        !string.IsNullOrEmpty(HmacKey) || !string.IsNullOrEmpty(RsaPublicKeyFile) || !string.IsNullOrEmpty(JwksFile);

    internal bool Enabled => HasSigningKey || ApiKeys.Count > 0;
}
