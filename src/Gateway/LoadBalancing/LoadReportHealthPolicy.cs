using System.Globalization;
using System.Runtime.CompilerServices;
using Gateway.UpstreamFeedback;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway.LoadBalancing;

/// <summary>
/// The active health policy <c>LoadReport</c>: YARP's consecutive-failures rule (a destination is unhealthy after
/// <c>ConsecutiveFailuresHealthPolicy.Threshold</c> failed probes in a row, cluster metadata, default 2; healthy again
/// after one good probe), and the probe response's <c>endpoint-load-metrics</c> limit teaches the cluster's gate the
/// destination's concurrency limit before any request needs it. A good probe also ends a passive ejection early.
/// </summary>
internal sealed class LoadReportHealthPolicy(IDestinationHealthUpdater healthUpdater, ClusterGateRegistry gates) : IActiveHealthCheckPolicy
{
    public const string PolicyName = "LoadReport";

    /// <summary>YARP's own metadata key for the consecutive-failures threshold, so a cluster can switch policies without renaming it.</summary>
    public const string ThresholdKey = "ConsecutiveFailuresHealthPolicy.Threshold";

    private const int DefaultThreshold = 2;

    private readonly ConditionalWeakTable<DestinationState, StrongBox<int>> _failures = [];

    public string Name => PolicyName;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        if (probingResults.Count == 0)
        {
            return;
        }

        var threshold = Threshold(cluster.Model.Config.Metadata);
        var gate = gates.Get(cluster.ClusterId);
        var updates = new NewActiveDestinationHealth[probingResults.Count];
        for (var i = 0; i < probingResults.Count; i++)
        {
            var result = probingResults[i];
            var failures = _failures.GetOrCreateValue(result.Destination);
            var healthy = result.Response is { IsSuccessStatusCode: true };
            if (healthy)
            {
                failures.Value = 0;
                var limit = LoadReportParser.TryParse(result.Response!.Headers, out var report, out _) ? report.Limit : null;
                gate.ProbeSucceeded(result.Destination.DestinationId, limit);
            }
            else
            {
                failures.Value++;
            }

            var health = healthy ? DestinationHealth.Healthy : failures.Value >= threshold ? DestinationHealth.Unhealthy : result.Destination.Health.Active;
            updates[i] = new NewActiveDestinationHealth(result.Destination, health);
        }

        healthUpdater.SetActive(cluster, updates);
    }

    private static int Threshold(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(ThresholdKey, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : DefaultThreshold;
}
