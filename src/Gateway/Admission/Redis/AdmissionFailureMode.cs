namespace Gateway.Admission.Redis;

/// <summary>What enqueue routes do while the shared (Redis) buckets cannot be reached.</summary>
public enum AdmissionFailureMode
{
    /// <summary>Fail open: each replica admits from a local bucket with its share of the rate (rate / replicas).</summary>
    Open,

    /// <summary>Fail closed: enqueue requests get 503 <c>admission_unavailable</c> with <c>Retry-After</c>.</summary>
    Closed,
}
