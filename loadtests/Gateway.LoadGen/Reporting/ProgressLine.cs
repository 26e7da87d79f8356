using System.Globalization;

namespace Gateway.LoadGen;

/// <summary>The one-line live status the <c>load</c> command keeps redrawing on a terminal.</summary>
internal static class ProgressLine
{
    public static string Format(LoadProgress progress) => string.Create(
        CultureInfo.InvariantCulture,
        $"load {progress.Elapsed.TotalSeconds,6:0.0}s  sent {progress.Sent} ({progress.RatePerSecond:0}/s)  in flight {progress.InFlight}  errors {progress.Errors}  p99 {(double.IsNaN(progress.P99SoFarMs) ? "–" : progress.P99SoFarMs.ToString("0.0", CultureInfo.InvariantCulture))} ms");
}
