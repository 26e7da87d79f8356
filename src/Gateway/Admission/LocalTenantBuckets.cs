namespace Gateway.Admission;

/// <summary>Each tenant's bucket in this replica's memory: the default, and what fail-open falls back to.</summary>
internal sealed class LocalTenantBuckets(TenantStateRegistry tenants) : ITenantBuckets
{
    public ValueTask<BucketDecision> TakeAsync(string? tenant, double ratePerSecond, int burst, CancellationToken cancellationToken) =>
        ValueTask.FromResult(tenants.For(tenant).Bucket.TryTake(ratePerSecond, burst));
}
