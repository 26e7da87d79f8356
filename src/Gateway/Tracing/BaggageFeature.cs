namespace Gateway.Tracing;

/// <summary>The composed outbound <c>baggage</c> value; set only when there is one to send.</summary>
internal sealed class BaggageFeature(string header)
{
    public string Header { get; } = header;
}
