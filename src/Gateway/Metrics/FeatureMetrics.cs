namespace Gateway.Metrics;

/// <summary>One feature's metrics class, registered by <see cref="MetricsServiceCollectionExtensions.AddFeatureMetrics{TMetrics}"/>.</summary>
internal sealed record FeatureMetrics(Type Type)
{
    /// <summary>Creates every feature's metrics class, so each metric exists before anything is recorded or scraped.</summary>
    public static void CreateAll(IServiceProvider services)
    {
        foreach (var metrics in services.GetServices<FeatureMetrics>())
        {
            _ = services.GetRequiredService(metrics.Type);
        }
    }
}
