namespace Gateway.Authentication;

/// <summary>One entry of <c>Gateway:Authentication:ApiKeys</c>: a key, by its SHA-256, and the tenant it belongs to.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The SHA-256 of the key, 64 hex digits.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>The tenant requests with this key act for: 1–64 of A–Z, a–z, 0–9, '_', '.', '-'.</summary>
    public string Tenant { get; set; } = "";
}
