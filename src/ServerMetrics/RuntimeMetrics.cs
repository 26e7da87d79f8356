using Prometheus;

namespace ServerMetrics;

/// <summary>
/// Process and runtime figures: prometheus-net's standard collector (<c>process_*</c>, <c>dotnet_collection_count_total</c>,
/// <c>dotnet_total_memory_bytes</c>) plus the thread pool, lock contention and GC pause figures operators read when a
/// gateway stalls. All are read just before each scrape, so they cost nothing between scrapes.
/// </summary>
internal static class RuntimeMetrics
{
    public static void Register(CollectorRegistry registry, IMetricFactory factory)
    {
        DotNetStats.Register(registry);

        // Gauges, not counters: the thread count and the queue go down as well as up.
        var threads = factory.CreateGauge("dotnet_thread_pool_threads", "Thread pool threads that currently exist.");
        var queue = factory.CreateGauge("dotnet_thread_pool_queue_length", "Work items queued to the thread pool and not yet started.");
        var completed = factory.CreateCounter("dotnet_thread_pool_work_item_count_total", "Work items the thread pool has completed.");
        var contentions = factory.CreateCounter("dotnet_monitor_lock_contentions_total", "Times a thread waited for a contended Monitor lock.");
        var pause = factory.CreateCounter("dotnet_gc_pause_time_seconds_total", "Time the GC has paused the process, in seconds.");
        var allocated = factory.CreateCounter("dotnet_gc_heap_total_allocated_bytes_total", "Bytes allocated on the managed heap since start.");
        registry.AddBeforeCollectCallback(() =>
        {
            threads.Set(ThreadPool.ThreadCount);
            queue.Set(ThreadPool.PendingWorkItemCount);
            completed.IncTo(ThreadPool.CompletedWorkItemCount);
            contentions.IncTo(Monitor.LockContentionCount);
            pause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
            allocated.IncTo(GC.GetTotalAllocatedBytes());
        });
    }
}
