namespace Gateway.LoadTests.NoisyNeighbor;

/// <summary>
/// A D client that was refused, waited its Retry-After and tried again: the wait in seconds and the retry's status;
/// both null when it was never refused or the 429 had no usable Retry-After.
/// </summary>
internal sealed record PatientOutcome(double? RetryAfterSeconds, int? RetryStatus)
{
    public bool Admitted => RetryStatus == 202;
}
