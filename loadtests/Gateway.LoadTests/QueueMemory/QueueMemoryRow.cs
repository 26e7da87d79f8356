namespace Gateway.LoadTests.QueueMemory;

/// <summary>One set-up's figures: idle, then at each level of held requests.</summary>
internal sealed record QueueMemoryRow(string System, double IdleRssMb, double IdleManagedMb, IReadOnlyList<QueueMemoryLevel> Levels);

/// <summary>The proxy's RSS and managed heap (NaN without <c>/metrics</c>) with <paramref name="Held"/> requests held.</summary>
internal sealed record QueueMemoryLevel(int Held, double RssMb, double ManagedMb);
