using Gateway.Qdelay;
using Prometheus;

namespace Gateway.Tracing;

/// <summary>
/// What the baggage step left out of the caller's baggage: malformed members and members past the W3C limits, and
/// (in qdelay's own metric) members the gateway owns. Names, labels and help texts are a contract (see README, Metrics).
/// </summary>
internal sealed class BaggageMetrics(IMetricFactory factory, QdelayMetrics qdelay)
{
    private readonly Counter _baggageDropped = factory.CreateCounter(
        "gateway_baggage_dropped_total", "Caller baggage members not sent upstream, by reason: invalid, limit (past 64 members or 8192 bytes).", ["reason"]);

    public void RecordBaggage(BaggageComposition baggage)
    {
        if (baggage.Stripped > 0)
        {
            qdelay.RecordQdelayStripped(QdelaySources.Baggage);
        }

        if (baggage.Invalid > 0)
        {
            _baggageDropped.WithLabels("invalid").Inc(baggage.Invalid);
        }

        if (baggage.OverLimit > 0)
        {
            _baggageDropped.WithLabels("limit").Inc(baggage.OverLimit);
        }
    }
}
