using System.Security.Cryptography;
using System.Text;

namespace Gateway.Authentication;

/// <summary>
/// The configured API keys by hash, rebuilt when the live options change (a reload brings a new options object), so
/// looking a key up costs one SHA-256 and one dictionary probe.
/// </summary>
internal sealed class ApiKeyIndex
{
    private Snapshot? _current;

    /// <summary>The key's tenant, or null for a key that is not configured.</summary>
    public string? FindTenant(AuthenticationOptions settings, string key)
    {
        var index = Volatile.Read(ref _current);
        if (index is null || !ReferenceEquals(index.Settings, settings))
        {
            index = new Snapshot(settings, settings.ApiKeys.ToDictionary(k => k.Sha256.ToLowerInvariant(), k => k.Tenant, StringComparer.Ordinal));
            Volatile.Write(ref _current, index);
        }

        return index.TenantsByHash.GetValueOrDefault(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
    }

    private sealed record Snapshot(AuthenticationOptions Settings, Dictionary<string, string> TenantsByHash);
}
