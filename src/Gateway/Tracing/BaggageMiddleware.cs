using Gateway.Qdelay;

namespace Gateway.Tracing;

/// <summary>
/// The proxy pipeline's baggage step: composes the <c>baggage</c> sent upstream, the gateway's own members (the
/// request's qdelay) first, then the caller's valid members with any caller-sent qdelay stripped
/// (<see cref="OutboundBaggage"/>).
/// </summary>
internal sealed class BaggageMiddleware(RequestDelegate next, BaggageMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        var own = context.Features.Get<QdelayFeature>()?.Spec.ToBaggageMembers() ?? [];
        var baggage = OutboundBaggage.Compose(context.Request.Headers.Baggage, own);
        metrics.RecordBaggage(baggage);
        if (baggage.Header is { } header)
        {
            context.Features.Set(new BaggageFeature(header));
        }

        return next(context);
    }
}
