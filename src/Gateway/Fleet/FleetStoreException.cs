namespace Gateway.Fleet;

/// <summary>
/// Redis could not answer a fleet call in time: not connected, timed out, or answered an error. The caller falls back
/// to local mode. The original exception is the inner one.
/// </summary>
internal sealed class FleetStoreException(string message, Exception inner) : Exception(message, inner);
