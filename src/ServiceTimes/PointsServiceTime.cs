namespace ServiceTimes;

/// <summary>
/// An empirical distribution given as cumulative probability → time, interpolated linearly between points.
/// This is how published latency percentiles (p50, p90, p99 …) become a service time.
/// </summary>
public sealed class PointsServiceTime : IServiceTimeDistribution
{
    private readonly (double P, double Ms)[] _points;

    public PointsServiceTime(IReadOnlyList<(double P, TimeSpan Time)> points)
    {
        _points = points.Select(p => (p.P, p.Time.TotalMilliseconds)).ToArray();
        double mean = 0;
        for (var i = 1; i < _points.Length; i++)
        {
            mean += (_points[i].P - _points[i - 1].P) * (_points[i].Ms + _points[i - 1].Ms) / 2;
        }

        Mean = TimeSpan.FromMilliseconds(mean);
    }

    public TimeSpan Mean { get; }

    public TimeSpan Sample(Random random) => Quantile(random.NextDouble());

    public TimeSpan Quantile(double u)
    {
        for (var i = 1; i < _points.Length; i++)
        {
            if (u <= _points[i].P)
            {
                var (p0, t0) = _points[i - 1];
                var (p1, t1) = _points[i];
                var fraction = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
                return TimeSpan.FromMilliseconds(t0 + (fraction * (t1 - t0)));
            }
        }

        return TimeSpan.FromMilliseconds(_points[^1].Ms);
    }
}
