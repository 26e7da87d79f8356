using System.Diagnostics;
using Prometheus;

namespace ServerMetrics;

/// <summary>
/// Exemplars for the histograms that should lead from a slow bucket to a trace. Only a sampled (recorded) request
/// gives one: an unsampled trace id leads nowhere in a tracing backend. Everything else records no exemplar, which
/// keeps the hot path free of the per-observation exemplar work prometheus-net does by default.
/// </summary>
public static class SampledTraceExemplar
{
    /// <summary>The trace and span id of <see cref="Activity.Current"/> when it is recorded; otherwise none.</summary>
    public static ExemplarBehavior Behavior { get; } = new()
    {
        DefaultExemplarProvider = static (_, _) => Activity.Current is { Recorded: true } ? Exemplar.FromTraceContext() : Exemplar.None,
    };

    /// <summary>No exemplars: the default for every metric the apps define.</summary>
    public static ExemplarBehavior None { get; } = ExemplarBehavior.NoExemplars();
}
