namespace Gateway.LoadTests.ReplicasRedis;

/// <summary>Where the replicas keep the tenant's bucket in one run of the <c>replicas-redis</c> scenario.</summary>
internal enum BucketMode
{
    /// <summary>Each replica its own bucket in memory (no Redis): the latency baseline, and what sharing fixes.</summary>
    Local,

    /// <summary>Shared through Redis, one script call per request (<c>MaxBatch=1</c>).</summary>
    PerRequest,

    /// <summary>Shared through Redis with reserved batches (the default settings).</summary>
    Batch,
}
