namespace Gateway.Simulator.Engine;

/// <summary>An array-based binary min-heap of struct events ordered by time; no allocation once grown.</summary>
internal sealed class EventHeap
{
    private ScheduledEvent[] _items = new ScheduledEvent[256];
    private int _count;

    public int Count => _count;

    /// <summary>The earliest event's time, or +∞ when empty.</summary>
    public double MinTime => _count > 0 ? _items[0].Time : double.PositiveInfinity;

    public void Push(in ScheduledEvent item)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        var items = _items;
        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (items[parent].Time <= item.Time)
            {
                break;
            }

            items[i] = items[parent];
            i = parent;
        }

        items[i] = item;
    }

    public ScheduledEvent Pop()
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("The heap is empty.");
        }

        var items = _items;
        var top = items[0];
        var last = items[--_count];
        var n = _count;
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= n)
            {
                break;
            }

            if (child + 1 < n && items[child + 1].Time < items[child].Time)
            {
                child++;
            }

            if (last.Time <= items[child].Time)
            {
                break;
            }

            items[i] = items[child];
            i = child;
        }

        if (n > 0)
        {
            items[i] = last;
        }

        return top;
    }
}
