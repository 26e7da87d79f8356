namespace Gateway.Admission.Redis;

/// <summary>
/// What the shared bucket answered: tokens granted (up to the number asked for), the tokens left in it, the exact wait
/// until its next whole token, and the time until it is full (which is also its key's time to live).
/// </summary>
internal readonly record struct RedisGrant(int Granted, double Remaining, TimeSpan RetryAfter, TimeSpan FullIn);
