using System.Globalization;

namespace Gateway.LoadTests.Fleet;

/// <summary>
/// What fleet-mode gateways say of themselves over the measured levels, read from their <c>/metrics</c> before and after:
/// a level is only a fleet-mode figure if the replicas stayed shared, not fallen back to balancing alone.
/// </summary>
/// <param name="Replicas">The set-up's gateway replicas.</param>
/// <param name="Fallbacks">Switches to local mode for want of Redis (<c>gateway_fleet_fallbacks_total{reason="redis_unavailable"}</c>).</param>
/// <param name="Degraded">Replicas in local mode at the end (<c>gateway_fleet_degraded</c>).</param>
/// <param name="Acquires">Acquire calls to Redis (<c>gateway_fleet_redis_round_trips_total{operation="acquire"}</c>).</param>
/// <param name="Calls">Acquire and release calls Redis answered, as the replicas timed them (<c>gateway_fleet_redis_duration_seconds_count</c>).</param>
/// <param name="CallSeconds">Their total time (<c>gateway_fleet_redis_duration_seconds_sum</c>).</param>
/// <param name="Leases">Slots the replicas hold at the end (<c>gateway_fleet_leases</c>).</param>
/// <param name="Reserve">Of those, slots in reserve (<c>gateway_fleet_reserve</c>); once traffic stops the rest is a leak.</param>
internal sealed record FleetModeCheck(
    int Replicas, double Fallbacks, double Degraded, double Acquires, double Calls = 0, double CallSeconds = 0, double Leases = 0, double Reserve = 0)
{
    private const string Timed = "gateway_fleet_redis_duration_seconds";

    public static async Task<FleetModeCheck> ReadAsync(IReadOnlyList<Uri> gateways, HttpClient client)
    {
        var expositions = await Task.WhenAll(gateways.Select(g => client.GetStringAsync(new Uri(g, "/metrics"))));
        return Of(expositions);
    }

    /// <summary>The check from each replica's <c>/metrics</c> text.</summary>
    public static FleetModeCheck Of(IReadOnlyList<string> expositions) =>
        new(
            expositions.Count,
            expositions.Sum(e => MetricsText.Sum(e, "gateway_fleet_fallbacks_total", "reason=\"redis_unavailable\"")),
            expositions.Sum(e => MetricsText.Sum(e, "gateway_fleet_degraded")),
            expositions.Sum(e => MetricsText.Sum(e, "gateway_fleet_redis_round_trips_total", "operation=\"acquire\"")),
            expositions.Sum(e => MetricsText.Sum(e, Timed + "_count", "operation=\"acquire\"") + MetricsText.Sum(e, Timed + "_count", "operation=\"release\"")),
            expositions.Sum(e => MetricsText.Sum(e, Timed + "_sum", "operation=\"acquire\"") + MetricsText.Sum(e, Timed + "_sum", "operation=\"release\"")),
            expositions.Sum(e => MetricsText.Sum(e, "gateway_fleet_leases")),
            expositions.Sum(e => MetricsText.Sum(e, "gateway_fleet_reserve")));

    /// <summary>The counters' growth from <paramref name="before"/> to this reading; the gauge as it is now.</summary>
    public FleetModeCheck Since(FleetModeCheck before) => this with
    {
        Fallbacks = Fallbacks - before.Fallbacks,
        Acquires = Acquires - before.Acquires,
        Calls = Calls - before.Calls,
        CallSeconds = CallSeconds - before.CallSeconds,
    };

    /// <summary>The mean acquire or release call as the replicas timed it, in ms; NaN without calls.</summary>
    public double MeanCallMs => Calls > 0 ? CallSeconds / Calls * 1000 : double.NaN;

    /// <summary>One line for the report, for the set-up named <paramref name="label"/> that got <paramref name="requests"/> over the levels.</summary>
    public string Describe(string label, int requests) => string.Create(
        CultureInfo.InvariantCulture,
        $"- **{label}, fleet mode check:** over the measured levels its {Replicas} replicas switched to local mode {Fallbacks:F0} times for want of Redis and {Degraded:F0} {(Degraded == 1 ? "is" : "are")} in local mode at the end; {Acquires:F0} acquire calls to Redis for {requests:N0} requests{(Calls > 0 ? $", and an acquire or release call took {MeanCallMs:F2} ms on average as the replicas timed it" : "")}; once the traffic stopped they held {Leases:F0} slots, {Reserve:F0} of them in reserve{(Leases > Reserve ? " (**the rest leaked**)" : "")}{(Fallbacks == 0 && Degraded == 0 ? ": the row measures shared mode throughout." : ": **part of the row measures replicas balancing alone.**")}");
}
