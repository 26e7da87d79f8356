using Prometheus;

namespace Gateway.Qdelay;

/// <summary>
/// Requests carrying a qdelay, and caller-sent copies the gateway removed. Bounded by construction: sources and
/// outcomes are the gateway's own constants. Names, labels and help texts are a contract (see README, Metrics).
/// </summary>
internal sealed class QdelayMetrics(IMetricFactory factory)
{
    private readonly Counter _qdelay = factory.CreateCounter(
        "gateway_qdelay_requests_total", "Requests carrying a qdelay, by source (token, header) and outcome (applied, clamped, rejected).",
        ["outcome", "source"]);

    private readonly Counter _qdelayStripped = factory.CreateCounter(
        "gateway_qdelay_stripped_total", "Requests whose caller-sent qdelay was removed, by where it came (baggage, header).", ["source"]);

    public void RecordQdelay(string source, string outcome) => _qdelay.WithLabels(outcome, source).Inc();

    public void RecordQdelayStripped(string source) => _qdelayStripped.WithLabels(source).Inc();
}
