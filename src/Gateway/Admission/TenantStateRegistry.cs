using System.Collections.Concurrent;

namespace Gateway.Admission;

/// <summary>
/// Admission state per tenant, created on first use. Tenants come from validated tokens and configured API keys, so
/// their number is bounded by the identity provider; requests without a tenant share one state.
/// </summary>
internal sealed class TenantStateRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private readonly TenantState _anonymous = new(time);

    public TenantState For(string? tenant) => tenant is null ? _anonymous : _tenants.GetOrAdd(tenant, _ => new TenantState(time));
}
