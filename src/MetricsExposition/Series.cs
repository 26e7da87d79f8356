using System.Text;

namespace MetricsExposition;

/// <summary>One label combination of a metric, with its label text formatted once when it is created.</summary>
internal abstract class Series(string labels)
{
    /// <summary>Escaped label pairs without braces, e.g. <c>cluster="a",code="200"</c>; empty for none.</summary>
    public string Labels { get; } = labels;

    /// <summary>The scrape in which an observable instrument last reported this series.</summary>
    public long Generation { get; set; }

    public abstract void Record(double value);

    public abstract void Write(StringBuilder builder, string name);

    protected static void AddDouble(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }

    protected void AppendSample(StringBuilder builder, string name, double value)
    {
        builder.Append(name);
        if (Labels.Length > 0)
        {
            builder.Append('{').Append(Labels).Append('}');
        }

        builder.Append(' ');
        PrometheusText.AppendValue(builder, value);
        builder.Append('\n');
    }
}
