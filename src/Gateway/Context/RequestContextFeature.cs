namespace Gateway.Context;

/// <summary>What the context step decided for one request, for the transform that writes the upstream request.</summary>
internal sealed class RequestContextFeature
{
    /// <summary>The tenant from the validated token, sent as <c>X-Tenant-Id</c>; null sends none.</summary>
    public string? Tenant { get; init; }

    /// <summary>The outbound <c>baggage</c> value; null sends none.</summary>
    public string? Baggage { get; init; }
}
