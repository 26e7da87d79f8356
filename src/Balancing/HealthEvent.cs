namespace Gateway.Balancing;

/// <summary>A change in a destination's passive health that one outcome caused, for the caller to log and count.</summary>
internal readonly record struct HealthEvent(HealthEventKind Kind, string DestinationId, string? Reason = null, TimeSpan Duration = default)
{
    public static HealthEvent None(string destinationId) => new(HealthEventKind.None, destinationId);
}
