namespace ServerMetrics;

/// <summary>The one set of latency histogram buckets both apps use, in seconds: 0.5 ms to 30 s, roughly ×2 per step.</summary>
public static class LatencyBuckets
{
    public static readonly double[] Seconds =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
}
