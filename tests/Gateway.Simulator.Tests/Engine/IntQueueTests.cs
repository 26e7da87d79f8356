using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Tests.Engine;

public sealed class IntQueueTests
{
    [Fact]
    public void Dequeue_AfterGrowingWhileWrapped_KeepsFifoOrder()
    {
        var queue = new IntQueue(4);
        var expected = new Queue<int>();
        for (var i = 0; i < 1_000; i++)
        {
            queue.Enqueue(i);
            expected.Enqueue(i);
            if (i % 3 == 0)
            {
                // Dequeue now and then so the ring's head wraps before it grows.
                Assert.Equal(expected.Dequeue(), queue.Dequeue());
            }
        }

        Assert.Equal(expected.Count, queue.Count);
        while (expected.Count > 0)
        {
            Assert.Equal(expected.Dequeue(), queue.Dequeue());
        }
    }

    [Fact]
    public void Dequeue_Empty_Throws() => Assert.Throws<InvalidOperationException>(() => new IntQueue().Dequeue());
}
