using System.Collections.Concurrent;

namespace Gateway.Admission;

/// <summary>
/// Admission state per tenant, created on first use; requests without a tenant share one state. A tenant idle for
/// <see cref="AdmissionOptions.IdleTenantExpiry"/>, with nothing in flight and its bucket full again, is dropped: a
/// fresh state starts full too, so dropping it changes no decision, and the registry stays as small as the set of
/// recently active tenants.
/// </summary>
internal sealed class TenantStateRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private long _sweptAt = time.GetTimestamp();
    private int _sweeping;

    public TenantState Anonymous { get; } = new(time);

    public int Count => _tenants.Count;

    public IEnumerable<KeyValuePair<string, TenantState>> Tenants => _tenants;

    public TenantState For(string? tenant) => tenant is null ? Anonymous : _tenants.GetOrAdd(tenant, static (_, time) => new TenantState(time), time);

    /// <summary>
    /// Starts a sweep on the thread pool when a tenth of the expiry has passed since the last one, so no request
    /// pays for it.
    /// </summary>
    public void SweepIfDue(AdmissionOptions options)
    {
        var sweptAt = Volatile.Read(ref _sweptAt);
        if (time.GetElapsedTime(sweptAt) < options.IdleTenantExpiry / 10 || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                try
                {
                    state.Registry.Sweep(state.Options);
                }
                finally
                {
                    Volatile.Write(ref state.Registry._sweeping, 0);
                }
            },
            (Registry: this, Options: options),
            preferLocal: false);
    }

    /// <summary>Drops the states of tenants idle past the expiry, with nothing in flight and a full bucket. Returns how many.</summary>
    public int Sweep(AdmissionOptions options)
    {
        var now = time.GetTimestamp();
        Volatile.Write(ref _sweptAt, now);
        var dropped = 0;
        foreach (var entry in _tenants)
        {
            var state = entry.Value;
            if (state.InFlight == 0
                && time.GetElapsedTime(state.LastUsed, now) >= options.IdleTenantExpiry
                && state.IsFull(TenantLimits.Resolve(options, entry.Key).Burst)
                && _tenants.TryRemove(entry))
            {
                dropped++;
            }
        }

        return dropped;
    }
}
