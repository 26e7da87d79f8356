using System.Globalization;
using Gateway.LoadGen;

namespace Gateway.LoadTests.Fleet;

/// <summary>The Redis PING round trips (<see cref="RedisPing"/>) over one level of one round.</summary>
internal sealed record FleetRedisPing(double TargetUtilization, int Round, LatencySummary RoundTripMs)
{
    /// <summary>One report line over every level and round.</summary>
    public static string Describe(IReadOnlyList<FleetRedisPing> pings) => string.Create(
        CultureInfo.InvariantCulture,
        $"- **Redis round trip** during the levels (a PING from the load generator every {RedisPing.Interval.TotalMilliseconds:F0} ms; fleet mode pays such a trip for every acquire and release, and for every grant to a queued request): {string.Join("; ", pings.Select(p => $"{FleetReport.Pct(p.TargetUtilization)}{(pings.Count(q => q.TargetUtilization == p.TargetUtilization) > 1 ? $" round {p.Round}" : "")}: mean {FleetReport.Ms(p.RoundTripMs.Mean)}, p50 {FleetReport.Ms(p.RoundTripMs.P50)}, p99 {FleetReport.Ms(p.RoundTripMs.P99)} ms"))}. The replicas' own calls, which the simulated fleet row takes, are in the fleet mode check.");
}
