namespace Gateway.LoadGen;

/// <summary>
/// A live snapshot of a run, reported about once a second. Counts are requests over all targets (an arrival
/// to two targets is two requests).
/// </summary>
/// <param name="Elapsed">Since the start of the run.</param>
/// <param name="Sent">Requests sent so far.</param>
/// <param name="Completed">Requests finished so far, with a response or an error.</param>
/// <param name="InFlight">Sent but not finished.</param>
/// <param name="RatePerSecond">Requests sent per second since the previous snapshot.</param>
/// <param name="Errors">Requests finished with an error.</param>
/// <param name="P99SoFarMs">99th percentile latency of the responses so far, to about 2%; NaN before the first.</param>
public sealed record LoadProgress(TimeSpan Elapsed, long Sent, long Completed, long InFlight, double RatePerSecond, long Errors, double P99SoFarMs);
