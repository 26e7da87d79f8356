namespace Gateway.Admission;

/// <summary>
/// The configured priority classes as shedding levels: level 1 sheds the classes with the lowest priority, level 2
/// the two lowest priorities, and so on; classes sharing a priority are shed together and the highest priority never.
/// Built once per configuration.
/// </summary>
internal sealed class PriorityLadder
{
    private readonly Dictionary<string, (int Rank, TimeSpan Slo)> _classes;

    private PriorityLadder(AdmissionOptions options)
    {
        Source = options;
        var priorities = options.Classes.Values.Select(c => c.Priority).Distinct().Order().ToList();
        _classes = options.Classes.ToDictionary(
            c => c.Key, c => (priorities.IndexOf(c.Value.Priority), c.Value.Slo), StringComparer.Ordinal);
        MaxLevel = Math.Max(0, priorities.Count - 1);
    }

    public AdmissionOptions Source { get; }

    /// <summary>The most classes' priorities that can be shed: all but the highest.</summary>
    public int MaxLevel { get; }

    public static PriorityLadder For(AdmissionOptions options, PriorityLadder? current) =>
        current is not null && ReferenceEquals(current.Source, options) ? current : new PriorityLadder(options);

    public bool Contains(string className) => _classes.ContainsKey(className);

    public TimeSpan Slo(string className) => _classes[className].Slo;

    /// <summary>True when <paramref name="level"/> sheds the class.</summary>
    public bool IsShed(string className, int level) => _classes.TryGetValue(className, out var c) && c.Rank < level;

    /// <summary>The shed classes at <paramref name="level"/>, lowest priority first, for messages.</summary>
    public IEnumerable<string> ShedAt(int level) => _classes.Where(c => c.Value.Rank < level).OrderBy(c => c.Value.Rank).Select(c => c.Key);
}
