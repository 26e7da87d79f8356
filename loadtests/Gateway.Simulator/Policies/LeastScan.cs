using System.Numerics;
using System.Runtime.InteropServices;

namespace Gateway.Simulator.Policies;

/// <summary>
/// The scans the least-loaded policies make over one replica's per-upstream counts, on every pick. Written to
/// avoid unpredictable branches: the minimum with SIMD, the tied indices with a conditional increment.
/// </summary>
internal static class LeastScan
{
    public static int Min(ReadOnlySpan<int> values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Length);
        ref var start = ref MemoryMarshal.GetReference(values);
        var i = 0;
        var min = int.MaxValue;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<int>.Count)
        {
            var mins = new Vector<int>(int.MaxValue);
            for (; i <= values.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                mins = Vector.Min(mins, Vector.LoadUnsafe(ref start, (nuint)i));
            }

            for (var lane = 0; lane < Vector<int>.Count; lane++)
            {
                min = Math.Min(min, mins[lane]);
            }
        }

        for (; i < values.Length; i++)
        {
            min = Math.Min(min, values[i]);
        }

        return min;
    }

    /// <summary>Writes the indices whose value is <paramref name="value"/> to <paramref name="indices"/>, in order; returns how many.</summary>
    public static int IndicesOf(ReadOnlySpan<int> values, int value, Span<int> indices)
    {
        ref var start = ref MemoryMarshal.GetReference(values);
        var count = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Whole blocks without a match are skipped; many upstreams, few of them tied, is the common case.
            var target = new Vector<int>(value);
            for (; i <= values.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                if (Vector.EqualsAny(Vector.LoadUnsafe(ref start, (nuint)i), target))
                {
                    for (var j = i; j < i + Vector<int>.Count; j++)
                    {
                        indices[count] = j;
                        count += values[j] == value ? 1 : 0;
                    }
                }
            }
        }

        for (; i < values.Length; i++)
        {
            indices[count] = i;
            count += values[i] == value ? 1 : 0;
        }

        return count;
    }
}
