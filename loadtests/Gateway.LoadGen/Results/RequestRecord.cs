using System.Globalization;

namespace Gateway.LoadGen;

/// <summary>
/// One request's outcome as the generator saw it.
/// </summary>
/// <param name="Index">The arrival's index, from 0; the same for an arrival's request to every target.</param>
/// <param name="ScheduledMs">When the arrival was scheduled, in ms from the start of the run.</param>
/// <param name="LatencyMs">
/// From the scheduled send time to the end of the response body. A request the generator sent late is
/// charged the lateness (no coordinated omission). The scheduler may wake up to about a millisecond early
/// and send then rather than spin; such a request is measured from its actual send, so it is never
/// flattered either. For an error, the time until the error.
/// </param>
/// <param name="Status">The HTTP status code; 0 when no response arrived.</param>
/// <param name="Error">Null on success; otherwise the kind, e.g. <c>timeout</c>, <c>connection_refused</c>, <c>cut</c>.</param>
/// <param name="ServerTiming">The response's Server-Timing header lines, joined with ", "; null when absent.</param>
/// <param name="Captured">The plan's <see cref="LoadPlan.CaptureHeaders"/>, in order; null where the response had none.</param>
public sealed record RequestRecord(
    long Index,
    double ScheduledMs,
    double LatencyMs,
    int Status,
    string? Error,
    string? ServerTiming,
    IReadOnlyList<string?> Captured)
{
    /// <summary>The upstream's own processing time, from <c>Server-Timing: app;dur=</c>.</summary>
    public double? AppMs => ServerTimingMs("app");

    /// <summary>Time spent outside the app (queues, network, proxies): <see cref="LatencyMs"/> − <see cref="AppMs"/>.</summary>
    public double? QueueingMs => AppMs is { } app ? LatencyMs - app : null;

    /// <summary>A response with a 2xx status and no error.</summary>
    public bool IsOk => Error is null && Status is >= 200 and < 300;

    /// <summary>The <c>dur</c> of any Server-Timing entry, e.g. <c>queue</c> or <c>ulq</c>.</summary>
    public double? ServerTimingMs(string metric) => ServerTimingHeader.Duration(ServerTiming, metric);

    /// <summary>Captured header <paramref name="index"/> read as a number; null when absent or not a number.</summary>
    public double? CapturedNumber(int index) =>
        index < Captured.Count && double.TryParse(Captured[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
