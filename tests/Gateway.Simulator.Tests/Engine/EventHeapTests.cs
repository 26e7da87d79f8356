using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Tests.Engine;

public sealed class EventHeapTests
{
    [Fact]
    public void Pop_RandomTimesPastInitialCapacity_ComeOutInTimeOrder()
    {
        var heap = new EventHeap();
        var random = new Random(3);
        var times = Enumerable.Range(0, 5_000).Select(_ => random.NextDouble()).ToArray();
        foreach (var (time, i) in times.Select((t, i) => (t, i)))
        {
            heap.Push(new ScheduledEvent(time, i, 0));
        }

        var popped = new List<double>();
        while (heap.Count > 0)
        {
            popped.Add(heap.Pop().Time);
        }

        Assert.Equal(times.Order(), popped);
        Assert.Equal(double.PositiveInfinity, heap.MinTime);
    }

    [Fact]
    public void Pop_Empty_Throws() => Assert.Throws<InvalidOperationException>(() => new EventHeap().Pop());
}
