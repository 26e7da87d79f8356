namespace DemoUpstream.Jobs;

/// <summary>Orders a queue by visible_at, then by arrival: the next job a worker may take is the minimum.</summary>
internal sealed class JobVisibilityComparer : IComparer<Job>
{
    public static readonly JobVisibilityComparer Instance = new();

    public int Compare(Job? x, Job? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var byTime = x.VisibleAt.UtcTicks.CompareTo(y.VisibleAt.UtcTicks);
        return byTime != 0 ? byTime : x.Sequence.CompareTo(y.Sequence);
    }
}
