namespace Gateway.LoadGen;

/// <summary>
/// Count, mean, nearest-rank percentiles and maximum of a set of values (milliseconds). Computed exactly, by
/// sorting, which is fine up to a few million values. An empty set has Count 0 and NaN everywhere else.
/// </summary>
public sealed record LatencySummary(int Count, double Mean, double P50, double P90, double P99, double P999, double Max)
{
    public static LatencySummary Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static LatencySummary Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        Array.Sort(sorted);
        return new LatencySummary(
            sorted.Length,
            sorted.Average(),
            NearestRank(sorted, 50),
            NearestRank(sorted, 90),
            NearestRank(sorted, 99),
            NearestRank(sorted, 99.9),
            sorted[^1]);
    }

    /// <summary>
    /// The nearest-rank percentile: the smallest value such that at least <paramref name="p"/> percent of the
    /// values are at or below it, i.e. the ⌈p/100·n⌉-th smallest (the smallest for p = 0). Always one of the
    /// values, never an interpolation.
    /// </summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        Array.Sort(sorted);
        return NearestRank(sorted, p);
    }

    internal static double NearestRank(double[] sorted, double p)
    {
        if (!(p is >= 0 and <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a percentile is from 0 to 100");
        }

        // Rounded before the ceiling so binary fractions do not push an exact rank up: 99.9% of 1000 is 999,
        // not 999.0000000000001 → 1000.
        var rank = (long)Math.Ceiling(Math.Round(p / 100 * sorted.Length, 9));
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
