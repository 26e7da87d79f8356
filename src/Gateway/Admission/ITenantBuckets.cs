namespace Gateway.Admission;

/// <summary>
/// Where tenants' token buckets live: in this replica's memory (<see cref="LocalTenantBuckets"/>) or shared by every
/// replica through Redis (<see cref="Redis.RedisTenantBuckets"/>). Rate and burst come with each call, so a
/// configuration change applies on the next request wherever the bucket lives.
/// </summary>
internal interface ITenantBuckets
{
    /// <summary>Takes one token from the tenant's bucket (<c>null</c>: the anonymous bucket) if there is one.</summary>
    ValueTask<BucketDecision> TakeAsync(string? tenant, double ratePerSecond, int burst, CancellationToken cancellationToken);
}
