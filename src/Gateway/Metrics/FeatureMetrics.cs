namespace Gateway.Metrics;

/// <summary>One feature's metrics class, registered by <see cref="MetricsServiceCollectionExtensions.AddFeatureMetrics{TMetrics}"/>.</summary>
internal sealed record FeatureMetrics(Type Type);
