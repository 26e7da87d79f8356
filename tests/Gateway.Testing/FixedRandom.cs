namespace Gateway.Testing;

/// <summary>
/// A <see cref="Random"/> whose every draw is the same fraction of its range, so jitter and tie-breaking are exact in
/// tests. <see cref="Value"/> can be changed between draws to drive a choice by hand.
/// </summary>
public sealed class FixedRandom(double value) : Random
{
    public double Value { get; set; } = value;

    public override double NextDouble() => Value;

    public override long NextInt64(long minValue, long maxValue) => minValue + (long)Math.Round((maxValue - 1 - minValue) * Value);
}
