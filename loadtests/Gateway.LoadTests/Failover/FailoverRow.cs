namespace Gateway.LoadTests.Failover;

/// <summary>One proxy × event: what the client saw. Times in ms; see <see cref="FailoverMeasures"/> for the definitions.</summary>
internal sealed record FailoverRow(
    string Event,
    string Proxy,
    int Requests,
    int Errors,
    int ErrorsAfterGrace,
    double P99Ms,
    double MaxMs,
    double? TrafficOffMs,
    double? BackMs,
    double? ListeningMs,
    SequentialResult Sequential,
    double? InFlightAfter,
    IReadOnlyDictionary<string, int> Failures)
{
    public double ErrorPercent => Requests == 0 ? 0 : 100.0 * Errors / Requests;
}
