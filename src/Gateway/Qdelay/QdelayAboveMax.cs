namespace Gateway.Qdelay;

/// <summary>What happens to a qdelay above <see cref="QdelayOptions.MaxMs"/>.</summary>
public enum QdelayAboveMax
{
    /// <summary>400 with a problem+json body naming the maximum.</summary>
    Reject,

    /// <summary>Lowered to the maximum (jitter first, then each delay) and counted.</summary>
    Clamp,
}
