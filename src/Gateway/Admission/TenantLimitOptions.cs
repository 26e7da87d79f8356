namespace Gateway.Admission;

/// <summary>One tier's limits: a token bucket (rate and burst) and a cap on enqueue requests in flight.</summary>
public sealed class TenantLimitOptions
{
    /// <summary>Tokens added per second: the sustained enqueue rate. Must be above 0.</summary>
    public double RatePerSecond { get; set; }

    /// <summary>The bucket's size: how many enqueues may arrive at once after a quiet spell. At least 1.</summary>
    public int Burst { get; set; }

    /// <summary>Most enqueue requests of one tenant in flight at once. At least 1.</summary>
    public int MaxConcurrency { get; set; }
}
