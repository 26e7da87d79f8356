namespace Gateway.LoadGen;

/// <summary>How arrivals are spaced within a <see cref="LoadPhase"/>.</summary>
public enum ArrivalProcess
{
    /// <summary>
    /// Exponential gaps: independent arrivals, as from many users. Bursts happen, as they do in production,
    /// and they are what builds queues at a given mean rate.
    /// </summary>
    Poisson,

    /// <summary>Evenly spaced arrivals; the first is at the start of the run.</summary>
    Constant,
}
