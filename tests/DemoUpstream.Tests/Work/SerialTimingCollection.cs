namespace DemoUpstream.Tests.Work;

/// <summary>
/// Tests that read real elapsed time run alone, so CPU-heavy sampling tests running in parallel
/// cannot skew request arrival by tens of milliseconds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTimingCollection
{
    public const string Name = "Serial timing";
}
