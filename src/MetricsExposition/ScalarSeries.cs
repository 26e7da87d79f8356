using System.Text;

namespace MetricsExposition;

/// <summary>
/// A counter or gauge value. Synchronous counters and up-down counters add their measurements;
/// observable instruments and synchronous gauges report the current value, which replaces the last.
/// </summary>
internal sealed class ScalarSeries(string labels, bool replaces) : Series(labels)
{
    private double _value;

    public override void Record(double value)
    {
        if (replaces)
        {
            Volatile.Write(ref _value, value);
        }
        else
        {
            AddDouble(ref _value, value);
        }
    }

    public override void Write(StringBuilder builder, string name) => AppendSample(builder, name, Volatile.Read(ref _value));
}
