namespace Gateway.Configuration;

/// <summary>
/// The <c>Gateway:Authentication</c> section: JWT bearer tokens, validated by the gateway. Authentication is on
/// when at least one signing key is configured (<see cref="HmacKey"/>, <see cref="RsaPublicKeyFile"/> or
/// <see cref="JwksFile"/>); without one, the gateway ignores tokens and passes <c>Authorization</c> through.
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

    internal bool Enabled =>
        !string.IsNullOrEmpty(HmacKey) || !string.IsNullOrEmpty(RsaPublicKeyFile) || !string.IsNullOrEmpty(JwksFile);
}
