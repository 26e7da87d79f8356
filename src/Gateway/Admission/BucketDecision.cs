namespace Gateway.Admission;

/// <summary>
/// A bucket's answer: whether a token was taken, the tokens left, the wait until the next token (zero when one was
/// taken), and the time until the bucket is full again.
/// </summary>
internal readonly record struct BucketDecision(bool Taken, double Remaining, TimeSpan RetryAfter, TimeSpan FullIn);
