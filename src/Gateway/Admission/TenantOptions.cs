namespace Gateway.Admission;

/// <summary>One tenant under <c>Gateway:Admission:Tenants</c>: its tier, and limits that override the tier's.</summary>
public sealed class TenantOptions
{
    /// <summary>The tier whose limits apply. Default <c>default</c>.</summary>
    public string Tier { get; set; } = AdmissionOptions.DefaultTier;

    public double? RatePerSecond { get; set; }

    public int? Burst { get; set; }

    public int? MaxConcurrency { get; set; }
}
