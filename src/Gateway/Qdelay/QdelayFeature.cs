namespace Gateway.Qdelay;

/// <summary>The request's validated qdelay; set only when it has one. The baggage step sends it upstream.</summary>
internal sealed class QdelayFeature(QdelaySpec spec)
{
    public QdelaySpec Spec { get; } = spec;
}
