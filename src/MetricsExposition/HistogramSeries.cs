using System.Text;

namespace MetricsExposition;

/// <summary>
/// Bucket counts (non-cumulative while recording, cumulative when written) and the sum of a histogram.
/// <c>_count</c> is written as the +Inf bucket's cumulative count, so the two always agree in one scrape.
/// </summary>
internal sealed class HistogramSeries(string labels, double[] bounds, string[] boundLabels) : Series(labels)
{
    private readonly long[] _counts = new long[bounds.Length + 1];
    private double _sum;

    public override void Record(double value)
    {
        var i = 0;
        while (i < bounds.Length && value > bounds[i])
        {
            i++;
        }

        Interlocked.Increment(ref _counts[i]);
        AddDouble(ref _sum, value);
    }

    public override void Write(StringBuilder builder, string name)
    {
        long cumulative = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            cumulative += Volatile.Read(ref _counts[i]);
            builder.Append(name).Append("_bucket{");
            if (Labels.Length > 0)
            {
                builder.Append(Labels).Append(',');
            }

            builder.Append("le=\"").Append(i < bounds.Length ? boundLabels[i] : "+Inf").Append("\"} ").Append(cumulative).Append('\n');
        }

        builder.Append(name).Append("_sum");
        if (Labels.Length > 0)
        {
            builder.Append('{').Append(Labels).Append('}');
        }

        builder.Append(' ');
        PrometheusText.AppendValue(builder, Volatile.Read(ref _sum));
        builder.Append('\n');
        AppendSample(builder, name + "_count", cumulative);
    }
}
