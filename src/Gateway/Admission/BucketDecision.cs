namespace Gateway.Admission;

/// <summary>
/// A bucket's answer: whether a token was taken, the tokens left, the wait until the next token (zero when one was
/// taken), and the time until the bucket is full again.
/// </summary>
internal readonly record struct BucketDecision(bool Taken, double Remaining, TimeSpan RetryAfter, TimeSpan FullIn)
{
    /// <summary>
    /// The shared bucket could not be reached and the gateway fails closed: the request gets 503 and should be tried
    /// again after <see cref="RetryAfter"/>.
    /// </summary>
    public bool Unavailable { get; init; }
}
