namespace DemoUpstream.Jobs;

/// <summary>One priority class at one instant, for the queue gauges.</summary>
internal readonly record struct JobQueueStats(string Queue, int Queued, int Running, TimeSpan OldestVisibleAge);
