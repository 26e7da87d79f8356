namespace Gateway.Tests.Fleet;

/// <summary>A <see cref="Random"/> whose every draw is the number given, to drive the fleet's tie-breaking by hand.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public double Value { get; set; } = value;

    public override double NextDouble() => Value;
}
