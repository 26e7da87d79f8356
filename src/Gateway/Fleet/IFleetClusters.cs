namespace Gateway.Fleet;

/// <summary>
/// The clusters whose gates queue through the fleet (the <c>ConcurrencyAware</c> ones), which each heartbeat renews.
/// The load balancing that owns those gates says which they are.
/// </summary>
internal interface IFleetClusters
{
    IReadOnlyList<string> ClusterIds();
}
