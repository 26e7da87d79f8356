namespace Gateway.LoadBalancing;

/// <summary>The <c>Gateway:Queue</c> section. Cluster metadata can override each value per cluster.</summary>
public sealed class QueueOptions
{
    public const string SectionName = "Gateway:Queue";

    /// <summary>Most requests waiting per cluster; beyond it requests get 503 <c>queue_full</c>. 0 disables queueing. Default 1000.</summary>
    public int MaxLength { get; set; } = 1000;

    /// <summary>Longest a request waits for a slot before 503 <c>queue_timeout</c>. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>Retry-After</c> sent with queue rejections, in whole seconds. Default 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}
