namespace Gateway.Authentication;

/// <summary>
/// The tenant a request acts for, from its validated token or API key; set only when there is one. It is sent upstream
/// as <c>X-Tenant-Id</c>, and admission and shuffle sharding key on it.
/// </summary>
internal sealed class TenantFeature(string tenant)
{
    public string Tenant { get; } = tenant;
}
