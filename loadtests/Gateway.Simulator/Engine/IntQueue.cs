using System.Numerics;

namespace Gateway.Simulator.Engine;

/// <summary>A growable FIFO ring buffer of ints (request ids): no allocation once it has grown to its working size.</summary>
internal sealed class IntQueue
{
    private int[] _items;
    private int _head;
    private int _count;

    public IntQueue(int capacity = 16)
    {
        _items = new int[Math.Max(4, (int)BitOperations.RoundUpToPowerOf2((uint)capacity))];
    }

    public int Count => _count;

    public void Enqueue(int item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) & (_items.Length - 1)] = item;
        _count++;
    }

    public int Peek() => _count > 0 ? _items[_head] : throw new InvalidOperationException("The queue is empty.");

    public int Dequeue()
    {
        var item = Peek();
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        return item;
    }

    private void Grow()
    {
        var larger = new int[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _items[(_head + i) & (_items.Length - 1)];
        }

        _items = larger;
        _head = 0;
    }
}
