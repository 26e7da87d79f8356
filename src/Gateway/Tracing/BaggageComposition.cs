namespace Gateway.Tracing;

/// <summary>
/// The outbound <c>baggage</c> value (null when empty) and what was left out of the caller's: members the gateway
/// owns, malformed members, and members past the W3C limits.
/// </summary>
internal readonly record struct BaggageComposition(string? Header, int Stripped, int Invalid, int OverLimit);
