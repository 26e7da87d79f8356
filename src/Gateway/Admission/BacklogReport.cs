namespace Gateway.Admission;

/// <summary>A backlog age an upstream reported, and when (a <see cref="TimeProvider"/> timestamp).</summary>
internal readonly record struct BacklogReport(double AgeMs, long At)
{
    /// <summary>The age, if the report is no older than <paramref name="ttl"/>.</summary>
    public double? FreshAge(TimeProvider time, long now, TimeSpan ttl) => time.GetElapsedTime(At, now) <= ttl ? AgeMs : null;
}
