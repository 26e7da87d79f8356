namespace Gateway.Admission;

/// <summary>
/// Overload shedding for one cluster's enqueue routes. Each enqueue response reports how old the backlog of its
/// class's queue is. Once per <see cref="BackpressureOptions.ShedInterval"/>: if any class still admitted has a fresh
/// backlog older than its SLO, one more priority level is shed (lowest first); if every admitted class is below
/// <see cref="BackpressureOptions.RecoverBelow"/> of its SLO, one level comes back. Shed classes send nothing, so
/// their own stale reports do not hold the level up.
/// </summary>
internal sealed class ClusterShedding(string clusterId, TimeProvider time)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, BacklogReport> _ages = new(StringComparer.Ordinal);
    private long _evaluatedAt;
    private int _level;

    public string ClusterId { get; } = clusterId;

    /// <summary>How many priority levels are shed now (0: none).</summary>
    public int Level => Volatile.Read(ref _level);

    public void Record(string className, double backlogAgeMs)
    {
        var report = new BacklogReport(backlogAgeMs, time.GetTimestamp());
        lock (_sync)
        {
            _ages[className] = report;
        }
    }

    /// <summary>Moves the level if an interval has passed, then says whether the class is shed.</summary>
    public bool IsShed(PriorityLadder ladder, string className, BackpressureOptions options)
    {
        // Most requests fall within an interval: they read the level without taking the lock.
        var now = time.GetTimestamp();
        if (!IsDue(Volatile.Read(ref _evaluatedAt), now, options))
        {
            return ladder.IsShed(className, Level);
        }

        lock (_sync)
        {
            if (IsDue(_evaluatedAt, now, options))
            {
                Volatile.Write(ref _level, Next(ladder, options, now));
                Volatile.Write(ref _evaluatedAt, now);
            }

            return ladder.IsShed(className, _level);
        }
    }

    private bool IsDue(long evaluatedAt, long now, BackpressureOptions options) =>
        evaluatedAt == 0 || time.GetElapsedTime(evaluatedAt, now) >= options.ShedInterval;

    private int Next(PriorityLadder ladder, BackpressureOptions options, long now)
    {
        var level = Math.Min(_level, ladder.MaxLevel);
        var pressure = 0.0;
        foreach (var (className, report) in _ages)
        {
            if (ladder.Contains(className) && !ladder.IsShed(className, level) && report.FreshAge(time, now, options.ReportTtl) is { } age)
            {
                pressure = Math.Max(pressure, age / ladder.Slo(className).TotalMilliseconds);
            }
        }

        if (pressure >= 1 && level < ladder.MaxLevel)
        {
            return level + 1;
        }

        return pressure < options.RecoverBelow && level > 0 ? level - 1 : level;
    }
}
