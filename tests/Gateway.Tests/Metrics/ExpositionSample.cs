namespace Gateway.Tests.Metrics;

/// <summary>One sample line of a Prometheus text exposition.</summary>
internal sealed record ExpositionSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Matches(string name, params (string Key, string Value)[] labels) =>
        Name == name && labels.All(l => Labels.TryGetValue(l.Key, out var v) && v == l.Value);
}
