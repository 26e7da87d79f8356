namespace Gateway.Authentication;

/// <summary>
/// The <c>Gateway:Authentication</c> section: JWT bearer tokens and API keys, validated by the gateway. Authentication
/// is on when a signing key (<see cref="HmacKey"/>, <see cref="RsaPublicKeyFile"/>, <see cref="JwksFile"/>,
/// <see cref="MetadataAddress"/> or <see cref="JwksUrl"/>) or an API key is configured; without either, the gateway ignores
/// credentials and passes <c>Authorization</c> through. Read at start-up.
/// </summary>
public sealed class AuthenticationOptions
{
    public const string SectionName = "Gateway:Authentication";

    /// <summary>Shared secret for HS256, as text (at least 32 bytes of UTF-8). Default none.</summary>
    public string? HmacKey { get; set; }

    /// <summary>PEM file holding an RSA public key for RS256. Relative paths are from the working directory. Default none.</summary>
    public string? RsaPublicKeyFile { get; set; }

    /// <summary>JSON Web Key Set file (RFC 7517) with the RS256 or HS256 keys. Relative paths are from the working directory. Default none.</summary>
    public string? JwksFile { get; set; }

    /// <summary>
    /// OpenID Connect discovery document (<c>https://idp/.well-known/openid-configuration</c>): its <c>jwks_uri</c> keys
    /// are fetched and refreshed, and its <c>issuer</c> is required in tokens (besides <see cref="Issuer"/>). Not together
    /// with <see cref="JwksUrl"/>. Default none.
    /// </summary>
    public Uri? MetadataAddress { get; set; }

    /// <summary>A JSON Web Key Set (RFC 7517) served over HTTPS, fetched and refreshed. Not together with <see cref="MetadataAddress"/>. Default none.</summary>
    public Uri? JwksUrl { get; set; }

    /// <summary>Refuse <c>http</c> for <see cref="MetadataAddress"/>, <see cref="JwksUrl"/> and a discovered <c>jwks_uri</c>. Default true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// How often fetched keys are refreshed (at least 5 minutes; the key library adds 0-5% jitter, and the
    /// refresh runs in the background while the current keys keep serving). Default 1 hour.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Shortest time between two refreshes that a token with an unknown <c>kid</c> triggers (at least 1 s), so forged
    /// tokens cannot hammer the key endpoint. Default 5 minutes.
    /// </summary>
    public TimeSpan KeyRefreshMinimumInterval { get; set; } = TimeSpan.FromMinutes(5);

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
        !string.IsNullOrEmpty(HmacKey) || !string.IsNullOrEmpty(RsaPublicKeyFile) || !string.IsNullOrEmpty(JwksFile) || RemoteKeysAddress is not null;

    /// <summary>Where keys are fetched from: the discovery document or the key set, whichever is configured.</summary>
    internal Uri? RemoteKeysAddress => MetadataAddress ?? JwksUrl;

    internal bool Enabled => HasSigningKey || ApiKeys.Count > 0;
}
