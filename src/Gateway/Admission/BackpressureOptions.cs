namespace Gateway.Admission;

/// <summary>
/// <c>Gateway:Admission:Backpressure</c>: how a tenant's rate shrinks while its backlog is older than its class's SLO,
/// and how overload sheds the lower priority classes.
/// </summary>
public sealed class BackpressureOptions
{
    /// <summary>
    /// The lowest share of its rate a tenant keeps however old its backlog (default 0.1). The effective rate is
    /// rate × SLO / backlog age while the age is above the SLO, and never below rate × this.
    /// </summary>
    public double MinRateFraction { get; set; } = 0.1;

    /// <summary>How long a backlog report counts (default 30 s). An older one is ignored: the tenant gets its full rate back.</summary>
    public TimeSpan ReportTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the shedding level of a cluster may change (default 1 s), and the <c>Retry-After</c> of a shed
    /// request. While a class still admitted has a backlog older than its SLO, one more class is shed each interval,
    /// lowest priority first.
    /// </summary>
    public TimeSpan ShedInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Classes come back, one each interval, once every admitted class's backlog age is below this share of its SLO
    /// (default 0.8). Between this and 1 the level holds, so shedding does not flap.
    /// </summary>
    public double RecoverBelow { get; set; } = 0.8;
}
