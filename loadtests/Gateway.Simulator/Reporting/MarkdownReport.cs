using System.Globalization;
using Gateway.Simulator.Statistics;

namespace Gateway.Simulator.Reporting;

/// <summary>The <c>simulate</c> command's Markdown table and its reproduce line.</summary>
internal static class MarkdownReport
{
    public static void Write(TextWriter output, IReadOnlyList<SimulationResult> results, string reproduce)
    {
        output.WriteLine(
            "| policy | replicas | upstreams × slots | target util. | util. | arrivals/s | queue mean ms | queue p50 ms | queue p99 ms "
            + "| local queue mean ms | waited | waited locally | e2e mean ms | e2e p99 ms | requests |");
        output.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Policy} | {r.Replicas} | {r.Upstreams} × {r.Slots} | {r.TargetUtilization:0.00} | {r.Utilization:0.000} "
                + $"| {r.ArrivalRate:0.0} | {Ms(r.MeanQueueMs)} | {Ms(r.P50QueueMs)} | {Ms(r.P99QueueMs)} | {Ms(r.MeanLocalQueueMs)} "
                + $"| {Share(r.WaitedShare)} | {Share(r.LocalWaitedShare)} | {Ms(r.MeanEndToEndMs)} | {Ms(r.P99EndToEndMs)} | {r.Requests} |"));
        }

        output.WriteLine();
        output.WriteLine($"Reproduce: {reproduce}");
    }

    /// <summary>Milliseconds to about three significant digits, without exponents.</summary>
    internal static string Ms(double ms) => ms switch
    {
        0 => "0",
        >= 100 => ms.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => ms.ToString("0.0", CultureInfo.InvariantCulture),
        >= 1 => ms.ToString("0.00", CultureInfo.InvariantCulture),
        >= 0.001 => ms.ToString("0.000", CultureInfo.InvariantCulture),
        _ => ms.ToString("0.000000", CultureInfo.InvariantCulture),
    };

    private static string Share(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);
}
