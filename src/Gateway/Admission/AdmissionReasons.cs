namespace Gateway.Admission;

/// <summary>Why an enqueue request was refused: the <c>reason</c> of the 429 (503 for <see cref="Unavailable"/>) and of <c>gateway_admission_decisions_total</c>.</summary>
internal static class AdmissionReasons
{
    public const string Rate = "tenant_rate_limited";
    public const string Concurrency = "tenant_concurrency_limited";

    /// <summary>503: the cluster's backlog is older than an SLO and the request's priority class is being shed.</summary>
    public const string Overloaded = "overloaded";

    /// <summary>400: the class header names no configured class.</summary>
    public const string InvalidClass = "invalid_priority_class";

    /// <summary>The shared (Redis) buckets cannot be reached and <c>Gateway:Admission:Redis:FailureMode</c> is <c>Closed</c>: 503.</summary>
    public const string Unavailable = "admission_unavailable";
}
