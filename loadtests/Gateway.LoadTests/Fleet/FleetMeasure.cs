using Gateway.LoadGen;

namespace Gateway.LoadTests.Fleet;

/// <summary>
/// One set-up at one load level in one round, as measured. Times in ms. Queueing is end-to-end minus the upstream's app
/// time (<c>Server-Timing: app</c>): the wait at the balancer and in the upstream's local queue, plus the hops.
/// Upstream-local queueing is DemoUpstream's ground truth (<c>X-Demo-Queue-Ms</c>), the part the upstream saw.
/// Utilization is busy slot time over slot time (<see cref="BusyShare"/>); it checks that the load reported is the load
/// that ran.
/// </summary>
internal sealed record FleetMeasure(
    string Setup,
    double TargetUtilization,
    int Round,
    double RatePerSecond,
    int Requests,
    int Ok,
    int Errors,
    double Utilization,
    double MeanServiceMs,
    double MeanQueueMs,
    double P50QueueMs,
    double P99QueueMs,
    double MeanLocalQueueMs,
    double P99LocalQueueMs)
{
    /// <summary>
    /// The machine's idle CPU share while this set-up ran the level (with <c>--together</c>, the same for every set-up):
    /// most of it on a quiet machine, near 0 when something else competed for the cores and the figures carry that too.
    /// </summary>
    public double CpuIdleShare { get; init; } = double.NaN;

    /// <summary>The response header DemoUpstream puts its local queue wait in; capture it first.</summary>
    public const string LocalQueueHeader = "X-Demo-Queue-Ms";

    /// <summary>
    /// Summarises one target's requests. The first <paramref name="warmUpShare"/> of the arrivals are left out of the
    /// queueing figures (the queues are still filling), not out of the utilization.
    /// </summary>
    public static FleetMeasure Of(
        string setup, double targetUtilization, int round, double ratePerSecond, IReadOnlyList<RequestRecord> requests, int totalSlots, double warmUpShare)
    {
        var ok = requests.Where(r => r.IsOk).ToArray();
        var trim = (long)(requests.Count * warmUpShare);
        var measured = ok.Where(r => r.Index >= trim && r.QueueingMs is not null).ToArray();

        // Loopback and timer noise can make end-to-end a hair shorter than the app's own time; that is no queueing.
        var queue = LatencySummary.Of(measured.Select(r => Math.Max(0, r.QueueingMs!.Value)));
        var local = LatencySummary.Of(measured.Select(r => r.CapturedNumber(0)).OfType<double>());
        var service = LatencySummary.Of(ok.Select(r => r.AppMs).OfType<double>());
        return new FleetMeasure(
            setup, targetUtilization, round, ratePerSecond, requests.Count, ok.Length, requests.Count - ok.Length,
            BusyShare(requests, totalSlots), service.Mean, queue.Mean, queue.P50, queue.P99, local.Mean, local.P99);
    }

    /// <summary>
    /// Σ app time of the answered requests / (<paramref name="totalSlots"/> × the time from the start to the last arrival):
    /// the arrival rate × the mean app time / slots.
    /// </summary>
    public static double BusyShare(IReadOnlyList<RequestRecord> requests, int totalSlots)
    {
        var spanMs = requests.Count == 0 ? 0 : requests.Max(r => r.ScheduledMs);
        return spanMs > 0 ? requests.Sum(r => r.IsOk ? r.AppMs ?? 0 : 0) / (totalSlots * spanMs) : double.NaN;
    }

    /// <summary>
    /// The load a level ran at: per round, the mean over set-ups (they share the arrivals and service times), then the
    /// median over rounds. The simulator runs every set-up at this one figure, so its rows compare paired too.
    /// </summary>
    public static double LevelUtilization(IEnumerable<FleetMeasure> atLevel) =>
        FleetRow.Median(atLevel.GroupBy(m => m.Round).Select(round => round.Average(m => m.Utilization)));
}
