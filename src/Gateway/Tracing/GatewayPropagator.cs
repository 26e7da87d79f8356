using System.Diagnostics;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Tracing;

/// <summary>
/// Writes W3C trace headers on upstream requests. YARP's propagator removes the caller's copies and the
/// runtime's writes <c>traceparent</c> and <c>tracestate</c> from the current span (a caller's invalid
/// <c>traceparent</c> therefore starts a new trace, and its <c>tracestate</c> goes with it). Baggage is the
/// baggage step's composition, kept in the caller's text: the runtime would re-encode every member.
/// </summary>
internal sealed class GatewayPropagator(DistributedContextPropagator inner) : DistributedContextPropagator
{
    /// <summary>The composed <c>baggage</c> for one upstream request; empty means send none.</summary>
    public static readonly HttpRequestOptionsKey<string> BaggageKey = new("Gateway.Baggage");

    public const string BaggageHeader = "baggage";
    public const string LegacyBaggageHeader = "Correlation-Context";

    private readonly ReverseProxyPropagator _yarp = new(inner);

    /// <summary>The propagator for upstream requests: trace headers from the current span, baggage as composed.</summary>
    public static GatewayPropagator Create() => new(DistributedContextPropagator.Current);

    public override IReadOnlyCollection<string> Fields => _yarp.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        _yarp.Inject(activity, carrier, setter);
        if (carrier is not HttpRequestMessage request || !request.Options.TryGetValue(BaggageKey, out var baggage))
        {
            return;
        }

        // Replaces whatever the runtime wrote from the span's baggage (re-encoded, and not limited).
        request.Headers.Remove(BaggageHeader);
        request.Headers.Remove(LegacyBaggageHeader);
        if (baggage.Length > 0)
        {
            request.Headers.TryAddWithoutValidation(BaggageHeader, baggage);
        }
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState) =>
        _yarp.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        _yarp.ExtractBaggage(carrier, getter);
}
