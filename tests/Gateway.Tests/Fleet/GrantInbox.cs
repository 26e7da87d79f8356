using System.Collections.Concurrent;
using Gateway.Fleet;

namespace Gateway.Tests.Fleet;

/// <summary>The grants one replica was told of by pub/sub, each awaitable by ticket id, and the reclaims it heard.</summary>
internal sealed class GrantInbox
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FleetGrant>> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _reclaims = new();
    private readonly SemaphoreSlim _reclaimed = new(0);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(FleetGrant grant)
    {
        Interlocked.Increment(ref _count);
        Slot(grant.TicketId).TrySetResult(grant);
    }

    /// <summary>Reclaims heard so far (each the cluster's id).</summary>
    public IReadOnlyCollection<string> Reclaims => _reclaims;

    public void Reclaim(string cluster)
    {
        _reclaims.Enqueue(cluster);
        _reclaimed.Release();
    }

    /// <summary>True when a reclaim is heard within <paramref name="timeout"/> (default 5 s).</summary>
    public Task<bool> WaitForReclaimAsync(TimeSpan? timeout = null) => _reclaimed.WaitAsync(timeout ?? TimeSpan.FromSeconds(5));

    public bool Has(string ticketId) => Slot(ticketId).Task.IsCompleted;

    public Task<FleetGrant> WaitAsync(string ticketId, TimeSpan? timeout = null) =>
        Slot(ticketId).Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(5));

    private TaskCompletionSource<FleetGrant> Slot(string ticketId) =>
        _grants.GetOrAdd(ticketId, _ => new TaskCompletionSource<FleetGrant>(TaskCreationOptions.RunContinuationsAsynchronously));
}
