namespace Gateway.Admission;

/// <summary>Why an enqueue request was refused: the <c>reason</c> of the 429 and of <c>gateway_admission_decisions_total</c>.</summary>
internal static class AdmissionReasons
{
    public const string Rate = "tenant_rate_limited";
    public const string Concurrency = "tenant_concurrency_limited";
}
