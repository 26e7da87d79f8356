namespace Gateway.LoadTests.NoisyNeighbor;

/// <summary>The parts of a noisy-neighbor run, in order. Warm-up is never measured.</summary>
internal enum NoisyNeighborPhase
{
    WarmUp,

    /// <summary>A, B and C alone.</summary>
    Baseline,

    /// <summary>A, B and C as before, plus D's burst.</summary>
    Noisy,
}
