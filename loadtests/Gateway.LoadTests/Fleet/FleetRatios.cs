namespace Gateway.LoadTests.Fleet;

/// <summary>A set-up's queueing as a multiple of the anchor's at the same level: measured, and as the simulator has it.</summary>
internal sealed record FleetRatios(double RealMean, double RealP99, double SimulatedMean, double SimulatedP99);
