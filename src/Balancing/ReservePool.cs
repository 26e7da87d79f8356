namespace Gateway.Balancing;

/// <summary>
/// A fleet replica's reserve for one cluster: slots the fleet's store counts as this replica's while no request of
/// its own uses them, so the replica's next arrivals take one at once instead of asking the store (a round trip).
/// </summary>
/// <remarks>
/// <para>
/// The protocol, whose replica side this is (the store's side is a few lines of its scripts):
/// <list type="bullet">
/// <item>A replica whose request finished asks the store to <em>keep</em> its slot when <see cref="TryBeginKeep"/>
/// allows it; the store keeps it only while no request waits in the fleet's queue and it still has
/// <see cref="FreeSlotsToLeave"/> slots free, and otherwise releases it as usual. <see cref="EndKeep"/> takes the
/// answer.</item>
/// <item>A replica below its most asks the store to <em>top up</em> its reserve, one call at a time
/// (<see cref="TryBeginTopUp"/>); the store hands out slots only while no request waits, a destination has room, and
/// it would still have <see cref="FreeSlotsToLeave"/> slots free.</item>
/// <item>When a request has to queue in the store, every replica holding reserves is asked to give one back
/// (<see cref="TryReclaimOne"/>).</item>
/// </list>
/// So reserves hold only slots that no waiting request wants: they cost the fleet nothing while there is room, and a
/// few store trips to the first requests that wait when there is not.
/// </para>
/// <para>
/// Counts stay exact: a reserved slot is counted in the store as in use, and a slot is either in this pool, on its
/// way to or from the store, or used by one request. The gateway and the queueing simulator both drive this class; it
/// is thread-safe.
/// </para>
/// </remarks>
internal sealed class ReservePool<TSlot>
{
    private readonly List<TSlot> _slots = [];
    private readonly Lock _lock = new();
    private int _coming;
    private int _releaseOnArrival;
    private bool _toppingUp;

    /// <param name="max">Most slots held or on their way at once; 0 turns reserves off.</param>
    public ReservePool(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        Max = max;
    }

    public int Max { get; }

    /// <summary>Slots held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>
    /// Whether a finished request's slot should be offered to the store to keep; true counts it as on its way, and
    /// <paramref name="freeToLeave"/> is what the store must still have free for it (<see cref="FreeSlotsToLeave"/>).
    /// </summary>
    public bool TryBeginKeep(out int freeToLeave)
    {
        lock (_lock)
        {
            var held = _slots.Count + _coming;
            freeToLeave = FreeSlotsToLeave(held);
            if (held >= Max)
            {
                return false;
            }

            _coming++;
            return true;
        }
    }

    /// <summary>
    /// The slots the store must still have free, besides every reserve, for a replica that holds (or has on their
    /// way) <paramref name="held"/> slots to hold one more: 1 for its first, 6 for its second, 11 for its third.
    /// </summary>
    /// <remarks>
    /// A reserved slot is idle capacity the rest of the fleet cannot use until a request queues and a reclaim brings
    /// it back (three store legs), so a replica's reserve shrinks as the fleet fills up: the first slot saves its
    /// replica a store round trip on most arrivals, a second one only on arrivals closer together than a round trip.
    /// Measured in the queueing simulator (10 and 30 replicas × 100 upstreams × 4 slots at 90%): without the margin a
    /// full reserve everywhere hid half of the free slots (10 × 2 of about 40) and queued requests behind them.
    /// </remarks>
    public static int FreeSlotsToLeave(int held) => 1 + (5 * held);

    /// <summary>
    /// How many slots to ask the store for now, or 0: the pool is full (counting those on their way) or a top-up is
    /// already under way. A positive answer counts them as on their way; end each with <see cref="EndKeep"/>, or the
    /// whole call with <see cref="EndTopUp"/>. The store grants the i-th (from 0) only while it would still have
    /// <c>FreeSlotsToLeave(held + i)</c> slots free.
    /// </summary>
    public int TryBeginTopUp(out int held)
    {
        lock (_lock)
        {
            held = _slots.Count + _coming;
            var wanted = Max - held;
            if (_toppingUp || wanted <= 0)
            {
                return 0;
            }

            _toppingUp = true;
            _coming += wanted;
            return wanted;
        }
    }

    /// <summary>
    /// The store answered a top-up of <paramref name="asked"/> slots with <paramref name="granted"/>: the slots not
    /// granted are no longer on their way. Returns the granted slots to release at once (a reclaim came meanwhile);
    /// the others are now held.
    /// </summary>
    public IReadOnlyList<TSlot> EndTopUp(int asked, IReadOnlyList<TSlot> granted)
    {
        List<TSlot>? release = null;
        lock (_lock)
        {
            _toppingUp = false;
            _coming -= asked - granted.Count;
            _releaseOnArrival = Math.Min(_releaseOnArrival, _coming);
        }

        foreach (var slot in granted)
        {
            if (!EndKeep(slot, kept: true))
            {
                (release ??= []).Add(slot);
            }
        }

        return release ?? (IReadOnlyList<TSlot>)[];
    }

    /// <summary>
    /// The store answered a keep. Returns true when the slot is now held here; false when it is not: the store
    /// released it (<paramref name="kept"/> false), or it was kept but a reclaim asked for it first, and the caller
    /// releases it.
    /// </summary>
    public bool EndKeep(TSlot slot, bool kept)
    {
        lock (_lock)
        {
            _coming--;
            if (!kept)
            {
                // A reclaim that counted on this slot finds none now; it is released in the store anyway.
                _releaseOnArrival = Math.Min(_releaseOnArrival, _coming);
                return false;
            }

            if (_releaseOnArrival > 0)
            {
                _releaseOnArrival--;
                return false;
            }

            _slots.Add(slot);
            return true;
        }
    }

    /// <summary>Takes the most recently kept slot that <paramref name="usable"/> accepts (a destination the request may go to).</summary>
    public bool TryTake(Func<TSlot, bool> usable, out TSlot slot)
    {
        lock (_lock)
        {
            for (var i = _slots.Count - 1; i >= 0; i--)
            {
                if (usable(_slots[i]))
                {
                    slot = _slots[i];
                    _slots.RemoveAt(i);
                    return true;
                }
            }
        }

        slot = default!;
        return false;
    }

    /// <summary>
    /// A request waits in the store: gives back the slot held longest, for the caller to release, or when none is
    /// held marks one on its way to be released when it arrives. False when there is nothing to give back.
    /// </summary>
    public bool TryReclaimOne(out TSlot slot)
    {
        lock (_lock)
        {
            if (_slots.Count > 0)
            {
                slot = _slots[0];
                _slots.RemoveAt(0);
                return true;
            }

            if (_releaseOnArrival < _coming)
            {
                _releaseOnArrival++;
            }
        }

        slot = default!;
        return false;
    }

    /// <summary>
    /// Gives back everything (the replica stops using the store, or shuts down): returns the slots held, for the
    /// caller to release, and marks those on their way to be released when they arrive.
    /// </summary>
    public IReadOnlyList<TSlot> ReclaimAll()
    {
        lock (_lock)
        {
            _releaseOnArrival = _coming;
            var reclaimed = _slots.ToArray();
            _slots.Clear();
            return reclaimed;
        }
    }

    /// <summary>The slots held, for renewing their leases.</summary>
    public IReadOnlyList<TSlot> Snapshot()
    {
        lock (_lock)
        {
            return _slots.ToArray();
        }
    }
}
