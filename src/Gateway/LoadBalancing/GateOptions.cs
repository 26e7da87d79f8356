namespace Gateway.LoadBalancing;

/// <summary>
/// What a cluster's gate reads from one version of the configuration: <c>Gateway:Queue</c>,
/// <c>Gateway:LoadBalancing</c> and <c>Gateway:Health</c>. A new configuration is a new instance.
/// </summary>
internal sealed record GateOptions(QueueOptions Queue, LoadBalancingOptions LoadBalancing, HealthOptions Health)
{
    public GateOptions()
        : this(new QueueOptions(), new LoadBalancingOptions(), new HealthOptions())
    {
    }
}
