namespace DemoUpstream.Work;

/// <summary>
/// Load shedding on demand: while on, work requests get 503 with Retry-After, as an app server shedding load
/// answers. Lets tests and scenarios check that a balancer reads that as load, not as a dead destination.
/// </summary>
internal sealed class OverloadSwitch(TimeProvider time)
{
    private long _until;

    /// <summary>Shed for <paramref name="duration"/> from now; zero stops shedding.</summary>
    public void ShedFor(TimeSpan duration) =>
        Interlocked.Exchange(ref _until, duration <= TimeSpan.Zero ? 0 : time.GetTimestamp() + (long)(duration.TotalSeconds * time.TimestampFrequency));

    /// <summary>How long shedding lasts from now; null when not shedding.</summary>
    public TimeSpan? Remaining()
    {
        var until = Volatile.Read(ref _until);
        var now = time.GetTimestamp();
        return until > now ? TimeSpan.FromSeconds((double)(until - now) / time.TimestampFrequency) : null;
    }
}
