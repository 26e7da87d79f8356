namespace Gateway.Balancing;

/// <summary>What passive health did after one outcome.</summary>
internal enum HealthEventKind
{
    None,

    /// <summary>Taken out of rotation for the reactivation period; <see cref="HealthEvent.Reason"/> says why.</summary>
    Ejected,

    /// <summary>Back to full rotation after a half-open ramp without failures.</summary>
    Recovered,

    /// <summary>A 503 with Retry-After: new work avoids the destination for <see cref="HealthEvent.Duration"/>.</summary>
    HeldBack,
}
