using System.Collections.Concurrent;
using Gateway.Fleet;

namespace Gateway.Tests.Fleet;

/// <summary>The grants one replica was told of by pub/sub, each awaitable by ticket id.</summary>
internal sealed class GrantInbox
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FleetGrant>> _grants = new(StringComparer.Ordinal);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(FleetGrant grant)
    {
        Interlocked.Increment(ref _count);
        Slot(grant.TicketId).TrySetResult(grant);
    }

    public bool Has(string ticketId) => Slot(ticketId).Task.IsCompleted;

    public Task<FleetGrant> WaitAsync(string ticketId, TimeSpan? timeout = null) =>
        Slot(ticketId).Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(5));

    private TaskCompletionSource<FleetGrant> Slot(string ticketId) =>
        _grants.GetOrAdd(ticketId, _ => new TaskCompletionSource<FleetGrant>(TaskCreationOptions.RunContinuationsAsynchronously));
}
