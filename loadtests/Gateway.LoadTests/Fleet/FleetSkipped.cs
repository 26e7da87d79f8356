namespace Gateway.LoadTests.Fleet;

/// <summary>A set-up that could not run (fleet mode before the gateway has it), with what the simulator expects of it.</summary>
internal sealed record FleetSkipped(string Setup, string Label, string Reason, IReadOnlyList<FleetSimulated> Simulated);
