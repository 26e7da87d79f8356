namespace Gateway.Admission;

/// <summary>One priority class under <c>Gateway:Admission:Classes</c>: its rank and the backlog age it promises.</summary>
public sealed class PriorityClassOptions
{
    /// <summary>Higher is more important. Under overload the lowest-priority classes are shed first; the highest never.</summary>
    public int Priority { get; set; }

    /// <summary>
    /// How old a job of this class may get in the upstream's backlog before it starts: above it, a tenant's
    /// effective rate shrinks and the class counts as under pressure. Must be positive.
    /// </summary>
    public TimeSpan Slo { get; set; }
}
